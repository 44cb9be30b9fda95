// Package miniapp is an example of an outside module that tests its mini-program
// network code with wxsim, through a replace of github.com/wxsim/wxsim, exactly as a
// project of its own would. ./build.sh test runs its test under wasmbrowsertest.
package miniapp

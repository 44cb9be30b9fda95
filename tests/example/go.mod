module example.com/miniapp

go 1.26.0

require github.com/wxsim/wxsim v0.0.0

replace github.com/wxsim/wxsim => ../..

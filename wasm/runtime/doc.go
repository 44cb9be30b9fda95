// Package runtime is the wx surface of wxsim for js/wasm: it installs a global `wx` whose
// network APIs behave like WeChat's (README, §1–§10). It reads JS options,
// asks package sim for every decision and uses jsbridge for transport.
//
// wx members and their transport:
//
//	wx.request                          fetch (streamed when enableChunked)   spec §4
//	wx.getNetworkType                   none (SetNetwork's type, wifi)        spec §8.4
//	wx.onNetworkStatusChange/off…       SetNetwork (wxsim.setNetwork)         spec §8.4, §C3
//	wx.onAppHide/onAppShow/off…         wxsim.hide()/show()                   spec §8.3
//	wx.onError/offError                 user callbacks that throw             spec §1.2
//	wx.env.USER_DATA_PATH               "http://usr"                          spec §7.1
//	wx.getFileSystemManager, file APIs  sim.FS index, Blobs, IndexedDB        spec §7
//
// Install puts wx on a global object in-process, so a headless wasm test run by
// wasmbrowsertest can drive it exactly as page code does; Serve is the entry point used by
// the wxsim.js loader.
package runtime

package sim

// Referer is the fixed Referer WeChat sends for an app (spec §4.3); the relay sends it
// (§9), and the §C1 events of relayed tasks show it.
func Referer(appID, appVersion string) string {
	return "https://servicewechat.com/" + appID + "/" + appVersion + "/page-frame.html"
}

// UserAgent is the WeChat-like User-Agent the relay sends (spec §9).
const UserAgent = "Mozilla/5.0 (Linux; Android 14; wxsim) AppleWebKit/537.36 (KHTML, like Gecko) " +
	"Version/4.0 Chrome/130.0.6723.103 Mobile Safari/537.36 XWEB/1300259 MMWEBSDK/20241103 " +
	"MMWEBID/0 MicroMessenger/8.0.56.2800(0x28003856) WeChat/arm64 Weixin NetType/WIFI " +
	"Language/zh_CN ABI/arm64 MiniProgramEnv/android miniProgram wxsim"

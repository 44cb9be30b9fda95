// 99_api: the last module. What spans every module (stats), then the glue object, which
// the closure returns to Go (glue_js.go: Glue.v).
Object.assign(glue, {
  stats: function () { return { tasks: recs.size, timers: timers.size, sockets: socks.size, files: files.size }; },
});
return glue;

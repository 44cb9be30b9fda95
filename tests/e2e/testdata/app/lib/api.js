// imported by app.js as an ES module
export const slowURL = location.origin + '/demo/slow?ms=3000';
export function get(url) {
  return new Promise((resolve) => wx.request({ url, complete: resolve }));
}

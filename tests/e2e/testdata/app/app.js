// The --app fixture: an entry that imports from its folder, runs App and Page.
import { get, slowURL } from './lib/api.js';

App({
  async onLaunch() {
    console.log('fixture app launched as ' + wxsim.config().appId);
    const res = await get(slowURL); // app.json's networkTimeout.request (500 ms) ends it
    console.warn('fixture slow call: ' + res.errMsg);
  },
});

Page({
  data: { hello: 'fixture' },
  hello() { get(location.origin + '/demo/json').then((res) => this.setData({ greeting: res.data.greeting })); },
});

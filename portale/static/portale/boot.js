// Loaded in <head> before Bootstrap Italia: tells its font loader where the fonts are served.
(function () {
  var me = document.currentScript;
  if (me && me.dataset.fonts) {
    window.__PUBLIC_PATH__ = me.dataset.fonts;
  }
})();

// The portal's Bootstrap Italia JavaScript: the package's sources, only the plugins the
// portal uses (the full bundle is 1 MB, ~85% unused on a page). Bundled by esbuild
// (assets/build.mjs, `npm run build`) into one deferred script exposing `window.bootstrap`.
//
// - init: focus tracking (keyboard focus rings, data-focus-mouse);
// - Dropdown: header menus (data-bs-toggle="dropdown");
// - NavBarCollapsible: the phone menu (data-bs-toggle="navbarcollapsible");
// - Tooltip: information buttons (portale.js creates them);
// - Modal: "La sessione sta per scadere" (session.js);
// - Input: the floating labels of text fields (set up on DOMContentLoaded).
// Using another plugin in a template? Import it here and its styles in bootstrap-italia.scss.
import init from 'bootstrap-italia/src/js/plugins/init'
import Dropdown from 'bootstrap-italia/src/js/plugins/dropdown'
import NavBarCollapsible from 'bootstrap-italia/src/js/plugins/navbar-collapsible'
import Tooltip from 'bootstrap-italia/src/js/plugins/tooltip'
import Modal from 'bootstrap-italia/src/js/plugins/modal'
import Input from 'bootstrap-italia/src/js/plugins/input'

init()

export { Dropdown, NavBarCollapsible, Tooltip, Modal, Input }

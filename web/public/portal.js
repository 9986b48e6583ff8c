/*! Refcut partner portal: copy buttons. Progressive enhancement: without JavaScript the values stay
 *  selectable text and the (hidden) buttons never show. Loaded as a file because the CSP forbids inline scripts. */
(function (document) {
  'use strict';
  function fallbackCopy(input) {
    input.focus();
    input.select();
    try {
      return document.execCommand('copy');
    } catch (e) {
      return false;
    }
  }
  function flash(button, text) {
    var label = button.getAttribute('data-label') || button.textContent;
    button.setAttribute('data-label', label);
    button.textContent = text;
    setTimeout(function () {
      button.textContent = label;
    }, 2000);
  }
  function init() {
    var buttons = document.querySelectorAll('button[data-copy]');
    for (var i = 0; i < buttons.length; i++) {
      (function (button) {
        var input = document.getElementById(button.getAttribute('data-copy'));
        if (!input) return;
        button.hidden = false;
        button.addEventListener('click', function () {
          var value = input.value;
          if (navigator.clipboard && window.isSecureContext) {
            navigator.clipboard.writeText(value).then(
              function () {
                flash(button, 'Copied');
              },
              function () {
                flash(button, fallbackCopy(input) ? 'Copied' : 'Press Ctrl+C');
              }
            );
          } else {
            flash(button, fallbackCopy(input) ? 'Copied' : 'Press Ctrl+C');
          }
        });
        input.addEventListener('focus', function () {
          input.select();
        });
      })(buttons[i]);
    }
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})(document);

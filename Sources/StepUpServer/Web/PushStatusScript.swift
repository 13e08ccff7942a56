/// The step-up page's wait for a push approval: polls the challenge's status and follows the grant when the
/// approver said yes. Served as a static file (the Content-Security-Policy allows no inline script).
enum PushStatusScript {
    static let javascript = """
    'use strict';
    (() => {
      const box = document.getElementById('push-wait');
      if (!box) return;
      const state = box.querySelector('.state');
      const url = '/step-up/' + encodeURIComponent(box.dataset.challenge) + '/status?next='
        + encodeURIComponent(box.dataset.next || '/account');
      let delay = 1500;
      async function poll() {
        try {
          const response = await fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } });
          if (response.ok) {
            const status = await response.json();
            if (status.status === 'satisfied') {
              // A new session token comes with the hand-over form (CSRF-protected), then the grant.
              const done = document.getElementById('push-done');
              if (done) { state.textContent = 'Approved.'; done.submit(); return; }
              if (status.next) { window.location.assign(status.next); return; }
            }
            if (status.status !== 'pending') { state.textContent = status.message; return; }
          }
        } catch (error) {
          delay = Math.min(delay * 2, 10000);
        }
        setTimeout(poll, delay);
      }
      setTimeout(poll, delay);
    })();
    """
}

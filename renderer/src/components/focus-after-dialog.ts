// Where focus goes when a dialog closes, when Fluent's own "back to the button that opened it"
// does not fit (that button is gone, or was a menu item). The dialog keeps focus inside while its
// closing animation runs: wait until its surface has left the page.
export function focusAfterDialog(target: () => HTMLElement | null | undefined): void {
  const attempt = () => {
    if (document.querySelector('.fui-DialogSurface')) window.requestAnimationFrame(attempt);
    else {
      const element = target();
      if (element?.isConnected) element.focus();
    }
  };
  window.requestAnimationFrame(attempt);
}

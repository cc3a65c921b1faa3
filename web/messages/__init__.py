"""Page texts by area, Danish first; `web.i18n.translate` is the one way templates and routes read them."""

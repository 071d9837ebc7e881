"""What a briefing can be written as, and the screens it is laid out for (width, height in px;
a phone capture is as long as the page needs)."""

FORMATS = ("png", "pdf", "pptx")
LAYOUTS = {"desktop": (1920, 1080), "phone": (390, 844)}
# A phone's user agent ("Mobi" in it), so pages fit their maps to a phone's width (ui.on_phone).
PHONE_AGENT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)

"""Read pages as a user does: the visible text of <main>, spaces normalised."""

import html
import re


def main_text(response) -> str:
    body = response.content.decode()
    start, end = body.find("<main"), body.find("</main>")
    fragment = body[start:end] if start >= 0 else body
    fragment = re.sub(r"<(script|style)\b.*?</\1>", " ", fragment, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())

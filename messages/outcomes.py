"""What a user reads when a job ends in an unusual way: ordered but unchecked, or finished late."""

from __future__ import annotations

from messages.format import shown_prompt
from messages.reply import Lang
from messages.text import Text

UNCERTAIN = Text(
    "「{prompt}」这个视频可能已经下单并扣了积分,但我这边没能确认它是否在生成。"
    "为了不让你重复付费,我不会自动重新提交。请联系管理这个机器人的同事核对一下,确认没有生成再重新发给我 🙏",
    'The video "{prompt}" may already have been ordered and charged, but I couldn\'t confirm whether it is '
    "being made. So that you don't pay twice, I won't send it again by myself. Please ask whoever runs this "
    "bot to check, and send the request again once they confirm it wasn't made 🙏",
)
LATE_NOTE = Text(
    "刚才超时的那个视频「{prompt}」最后还是生成好了,给你送上 🎉",
    'The video that timed out earlier, "{prompt}", finished after all. Here it is 🎉',
)


def uncertain_order(lang: Lang, prompt: str) -> str:
    """The create may have happened (and been paid for) but could not be checked: no automatic resend."""
    return UNCERTAIN(lang, prompt=shown_prompt(prompt))


def late_delivery_note(lang: Lang, prompt: str) -> str:
    """A video that timed out showed up later, during the late check; the video follows."""
    return LATE_NOTE(lang, prompt=shown_prompt(prompt))

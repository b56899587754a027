"""Does a message ask for a video? Free text is no blank cheque: only words with a request cue start
a paid job; anything else is asked about first (with a one-tap "make it" button).

A message asks for a video when it has any of:
- an image (attached, or an https link), a model or provider named, "the cheapest"/"the best",
  or a setting (duration, aspect ratio, resolution);
- a request word in Chinese: 做 生成 制作 创作 来一个/段/条 拍 画 动起来 动画 视频 短片 影片 片子;
- or in English: make create generate render produce animate animation video clip film movie.
"""

from __future__ import annotations

import re

REQUEST_CUE = re.compile(
    r"做|生成|制作|创作|来一?[个段条支部]|拍|画|动起来|动画|视频|短片|影片|片子"
    r"|\b(?:make|makes|making|create|creating|generate|generating|render|produce|animate|animating"
    r"|animation|animations|video|videos|clip|clips|film|films|movie|movies)\b",
    re.IGNORECASE,
)


def asks_for_video(text: str) -> bool:
    """True when ``text`` carries a request word (see the module doc)."""
    return REQUEST_CUE.search(text) is not None

"""Error kinds in plain words (seed 001 "Error Message Translation"): what to do next, never blame."""

from __future__ import annotations

from messages.reply import Lang
from messages.text import Text
from providers.errors import ErrorKind

REASONS: dict[ErrorKind, Text] = {
    ErrorKind.AUTH: Text(
        "视频服务的授权出了问题,请联系管理员",
        "The video service isn't authorised right now, please contact the administrator",
    ),
    ErrorKind.INSUFFICIENT_CREDITS: Text(
        "账户积分已用完,请联系管理员充值",
        "The account has run out of credits, please contact the administrator to top it up",
    ),
    ErrorKind.CREDIT_MISMATCH: Text(
        "积分计算异常,系统正在修复", "Points calculation error, system is fixing"
    ),
    ErrorKind.RULE_MISMATCH: Text(
        "模型参数不匹配,请尝试其他模型", "Model parameters incompatible, try another model"
    ),
    ErrorKind.BAD_PARAMS: Text(
        "视频参数设置有误,请调整时长或分辨率", "Video parameter error, adjust duration or resolution"
    ),
    ErrorKind.UNSUPPORTED_PARAMS: Text(
        "该模型不支持此时长或分辨率,请调整参数",
        "Model doesn't support this duration or resolution, adjust parameters",
    ),
    ErrorKind.CONTENT_POLICY: Text(
        "提示词需要调整一下,建议换个说法或换个模型",
        "The prompt needs a little adjusting, try rephrasing it or another model",
    ),
    ErrorKind.RATE_LIMITED: Text("请求过于频繁,请稍等片刻再试", "Too many requests, please wait a moment"),
    ErrorKind.UNAVAILABLE: Text(
        "当前模型暂时不可用,建议换个模型", "Model temporarily unavailable, try another model"
    ),
    ErrorKind.GENERATION_FAILED: Text(
        "视频生成遇到问题,建议换个模型试试", "Video generation failed, try another model"
    ),
    ErrorKind.TIMEOUT: Text(
        "视频生成时间过长已超时,建议用更快的模型", "Video generation took too long, try a faster model"
    ),
    ErrorKind.NETWORK: Text(
        "网络连接不稳定,请检查网络后重试", "Network connection unstable, check network and retry"
    ),
    ErrorKind.IMAGE_UPLOAD: Text(
        "输入图片处理失败,请检查图片格式或换张图",
        "Input image processing failed, check format or try another image",
    ),
    ErrorKind.UNKNOWN: Text(
        "视频生成遇到问题,请稍后重试或换个模型试试",
        "Video generation encountered an issue, please try again or use another model",
    ),
}

SORA_CONTENT_POLICY = Text(
    "提示词包含敏感内容(如人物),Sora 不支持,请换其他模型",
    "Prompt contains restricted content (e.g. people), Sora doesn't support it, try another model",
)


def error_reason(lang: Lang, kind: ErrorKind, *, model_family: str | None = None) -> str:
    """Why a generation failed, in the user's language; only Sora's moderation names the model."""
    if kind is ErrorKind.CONTENT_POLICY and model_family == "sora":
        return SORA_CONTENT_POLICY(lang)
    return REASONS.get(kind, REASONS[ErrorKind.UNKNOWN])(lang)

import pytest

from messages import error_reason
from messages.errors import REASONS
from providers.errors import ErrorKind as K

SEED_TRANSLATIONS = [
    (K.CREDIT_MISMATCH, "积分计算异常,系统正在修复", "Points calculation error, system is fixing"),
    (K.RULE_MISMATCH, "模型参数不匹配,请尝试其他模型", "Model parameters incompatible, try another model"),
    (
        K.BAD_PARAMS,
        "视频参数设置有误,请调整时长或分辨率",
        "Video parameter error, adjust duration or resolution",
    ),
    (K.GENERATION_FAILED, "视频生成遇到问题,建议换个模型试试", "Video generation failed, try another model"),
    (
        K.TIMEOUT,
        "视频生成时间过长已超时,建议用更快的模型",
        "Video generation took too long, try a faster model",
    ),
    (K.NETWORK, "网络连接不稳定,请检查网络后重试", "Network connection unstable, check network and retry"),
    (K.RATE_LIMITED, "请求过于频繁,请稍等片刻再试", "Too many requests, please wait a moment"),
    (K.UNAVAILABLE, "当前模型暂时不可用,建议换个模型", "Model temporarily unavailable, try another model"),
    (
        K.IMAGE_UPLOAD,
        "输入图片处理失败,请检查图片格式或换张图",
        "Input image processing failed, check format or try another image",
    ),
    (
        K.UNSUPPORTED_PARAMS,
        "该模型不支持此时长或分辨率,请调整参数",
        "Model doesn't support this duration or resolution, adjust parameters",
    ),
    (
        K.UNKNOWN,
        "视频生成遇到问题,请稍后重试或换个模型试试",
        "Video generation encountered an issue, please try again or use another model",
    ),
]


@pytest.mark.parametrize(("kind", "zh", "en"), SEED_TRANSLATIONS)
def test_seed_translations(kind: K, zh: str, en: str) -> None:
    assert error_reason("zh", kind) == zh
    assert error_reason("en", kind) == en


def test_every_kind_has_zh_and_en() -> None:
    assert set(REASONS) == set(K)
    for kind in K:
        assert error_reason("zh", kind) != error_reason("en", kind)


def test_content_policy_names_sora_only_for_sora() -> None:
    assert error_reason("zh", K.CONTENT_POLICY, model_family="sora") == (
        "提示词包含敏感内容(如人物),Sora 不支持,请换其他模型"
    )
    assert error_reason("en", K.CONTENT_POLICY, model_family="sora") == (
        "Prompt contains restricted content (e.g. people), Sora doesn't support it, try another model"
    )
    for family in (None, "kling", "wan"):
        zh = error_reason("zh", K.CONTENT_POLICY, model_family=family)
        en = error_reason("en", K.CONTENT_POLICY, model_family=family)
        assert "Sora" not in zh and "Sora" not in en
        assert zh.startswith("提示词需要调整一下")
        assert "有问题" not in zh  # no blame


def test_auth_and_credits_point_to_the_administrator_without_technical_words() -> None:
    assert error_reason("zh", K.AUTH) == "视频服务的授权出了问题,请联系管理员"
    assert error_reason("en", K.AUTH) == (
        "The video service isn't authorised right now, please contact the administrator"
    )
    assert "管理员" in error_reason("zh", K.INSUFFICIENT_CREDITS)
    assert "积分" in error_reason("zh", K.INSUFFICIENT_CREDITS)
    assert "administrator" in error_reason("en", K.INSUFFICIENT_CREDITS)
    assert "credits" in error_reason("en", K.INSUFFICIENT_CREDITS)


def test_family_does_not_change_other_kinds() -> None:
    assert error_reason("zh", K.TIMEOUT, model_family="sora") == error_reason("zh", K.TIMEOUT)

"""A faithful fake Feishu (Lark) for the real lark-oapi SDK: see :mod:`tests.fakes.feishu.fake`."""

from tests.fakes.feishu.fake import DM, GROUP, FakeFeishu

__all__ = ["DM", "GROUP", "FakeFeishu"]

import pytest

from handlers.intent.prompt import clean_prompt, tidy


@pytest.mark.parametrize(
    ("text", "prompt"),
    [
        ("做一个小狗在海边奔跑的视频", "小狗在海边奔跑"),
        ("帮我做一个小狗的视频吧", "小狗"),
        ("请生成一个猫咪跳舞的短片。", "猫咪跳舞"),
        ("请帮我生成一段海浪拍打礁石的视频", "海浪拍打礁石"),
        ("做个烟花视频", "烟花"),
        ("来一个烟花的视频！", "烟花"),
        ("画一个小猫", "小猫"),
        ("制作一只熊猫吃竹子的短视频", "一只熊猫吃竹子"),
        ("生成日落", "日落"),
        ("我想要一个关于太空的视频", "一个关于太空"),
        ("能帮我生成一段海浪的视频吗", "海浪"),
        ("做一个小狗的视频好吗", "小狗"),
        ("视频：一只猫", "一只猫"),
        ("你好，做一个小狗视频", "小狗"),
        ("小狗在跑", "小狗在跑"),
        ("做饭的视频", "做饭"),
        ("一个酒吧", "一个酒吧"),
        ("小狗睡着了", "小狗睡着了"),
        ("make a video of a puppy running on a beach", "a puppy running on a beach"),
        ("Make a video: a cat", "a cat"),
        ("make a video of a cat.", "a cat"),
        ("generate a video of a sunset", "a sunset"),
        ("create a video of rain", "rain"),
        ("make me a short video about space", "space"),
        ("video of cats", "cats"),
        ("a video of a dog", "a dog"),
        ("please make a video of a dog, thanks", "a dog"),
        ("can you make a video of a dog please", "a dog"),
        ("hi, I'd like a video of a dog", "a dog"),
        ("make a cat video", "cat"),
        ("help me make a video of a dog", "a dog"),
        ("a puppy running on a beach", "a puppy running on a beach"),
        ("then the sun sets", "the sun sets"),
        ("animate this", ""),
        ("Animate this photo", ""),
        ("animate it", ""),
        ("animate this: the dog wags its tail", "the dog wags its tail"),
        ("让这张图动起来", ""),
        ("把它做成视频", ""),
        ("动起来", ""),
        ("做一个视频", ""),
        ("make a video", ""),
        ("帮我视频", ""),
        ("吧", ""),
        ("，，。", ""),
        ("好的", ""),
        ("试试", ""),
        ("  a   cat ,  running ", "a cat, running"),
    ],
)
def test_clean_prompt(text: str, prompt: str) -> None:
    assert clean_prompt(text) == prompt


@pytest.mark.parametrize(
    ("text", "tidied"),
    [
        (" ,, a cat , , dog。 - ", "a cat, dog"),
        ("小狗，，，海边", "小狗，海边"),
        ("a cat ( ) running", "a cat running"),
        ("小狗（）跑", "小狗跑"),
        ("a cat .", "a cat"),
        ("\n a \t b \n", "a b"),
    ],
)
def test_tidy(text: str, tidied: str) -> None:
    assert tidy(text) == tidied

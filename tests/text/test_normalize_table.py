"""Table-driven evasion cases: raw comment -> expected normal form (one id per case)."""

from __future__ import annotations

import pytest

from botcomments.text.normalize import (
    CONTACT_KINDS,
    CONTACT_PLACEHOLDERS,
    NORMALIZER_VERSION,
    SUPPORTED_VERSIONS,
    NormalizationFeatures,
    Normalizer,
    normalize,
)

ZW = "\u200b"
CASES: list[tuple[str, str, str]] = [
    # --- format / invisible characters
    ("zwsp", f"主{ZW}播{ZW}好{ZW}美", "主播好美"),
    ("zwj-between-cjk", "主\u200d播好美", "主播好美"),
    ("zwnj", "加\u200c油", "加油"),
    ("bom", "\ufeff晚安", "晚安"),
    ("rtl-override", "主播\u202e好美", "主播好美"),
    ("soft-hyphen", "关\u00ad注", "关注"),
    ("word-joiner", "点\u2060赞", "点赞"),
    ("hangul-filler", "主\u3164播", "主播"),
    ("variation-selector", "❤\ufe0f好看", "❤好看"),
    ("zwj-emoji-kept", "👨\u200d👩\u200d👧全家", "👨\u200d👩\u200d👧全家"),
    ("tag-chars", "好\U000e0061\U000e0062看", "好看"),
    # --- NFKC and case
    ("fullwidth-latin", "ＨＥＬＬＯ主播", "hello主播"),
    ("fullwidth-digits", "１２３木头人", "123木头人"),
    ("fullwidth-punct", "你好，主播！", "你好,主播!"),
    ("ideographic-space", "主播\u3000加油", "主播加油"),
    ("upper-latin", "OMG主播", "omg主播"),
    ("kangxi-radical", "⼈民", "人民"),
    # --- styled digits and letters
    ("circled-digits", "①②③木头人", "123木头人"),
    ("negative-circled", "❶❷❸走起", "123走起"),
    ("dingbat-sans", "➀➁➂➃", "1234"),
    ("negative-circled-zero", "⓿号", "0号"),
    ("parenthesized-digit", "⑴⑵⑶", "123"),
    ("digit-full-stop", "⒈⒉⒊", "123"),
    ("circled-letters", "ⓐⓑⓒ", "abc"),
    ("squared-letters", "🄰🄱🄲", "abc"),
    ("negative-squared", "🅰🅱", "ab"),
    ("math-bold", "𝐇𝕌𝐗", "hux"),
    ("math-script", "𝓱𝓮𝓵𝓵𝓸", "hello"),
    ("small-caps", "ʜᴇʟʟᴏ", "hello"),
    ("superscript", "¹²³", "123"),
    ("keycap", "1\ufe0f\u20e32\ufe0f\u20e3", "12"),
    ("arabic-indic", "٣٤٥", "345"),
    # --- radicals and 火星文 variants
    ("radical-min", "⺠主", "民主"),
    ("radical-men", "⻔口", "门口"),
    ("radical-ma", "⻢上", "马上"),
    ("radical-long", "⻓得好看", "长得好看"),
    ("radical-see", "再⻅", "再见"),
    ("radical-fish", "⻥丸", "鱼丸"),
    ("martian-ni", "尓好", "你好"),
    ("martian-wo", "莪爱伱", "我爱你"),
    ("martian-de", "主播旳歌", "主播的歌"),
    ("martian-bu", "卟要走", "不要走"),
    ("martian-mixed", "訫動了", "心动了"),
    # --- split characters
    ("split-ni", "亻尔好", "你好"),
    ("split-xin", "威亻言", "<WECHAT>"),
    ("split-hai", "氵每边", "海边"),
    ("split-da", "扌丁卡", "打卡"),
    ("split-zhang", "弓长三", "张三"),
    ("split-hao-context", "真女子看", "真好看"),
    ("split-nvzi-word-kept", "女子学校", "女子学校"),
    # --- traditional -> simplified
    ("trad-sentence", "這個直播間真的太好看了", "这个直播间真的太好看了"),
    ("trad-mixed", "主播說話好聽", "主播说话好听"),
    ("trad-ni", "妳好美", "你好美"),
    # --- homoglyphs
    ("cyrillic-mixed", "hеllo", "hello"),
    ("cyrillic-vx", "加vх", "加<WECHAT>"),
    ("cyrillic-all-lookalike", "ԛԛ", "qq"),
    ("greek-mixed", "hοt", "hot"),
    ("russian-word-kept", "привет", "привет"),
    # --- numerals in digit runs
    ("financial-phone", "壹叁捌零零壹叁捌零零零", "<PHONE>"),
    ("chinese-digits-qq", "扣扣二零九六一二三四五", "<QQ>"),
    ("mixed-numerals", "2零9六1234", "2096"[:0] + "20961234"),
    ("yao-digits", "幺三八", "138"),
    ("yiqi-kept", "一起去吧", "一起去吧"),
    ("idiom-kept", "一五一十", "一五一十"),
    ("short-run-kept", "三四个人", "三四个人"),
    # --- repeated runs
    ("haha-run", "哈哈哈哈哈哈", "哈哈"),
    ("six-run", "666666", "66"),
    ("two-kept", "66", "66"),
    ("unit-run", "好看好看好看", "好看好看"),
    ("emoji-run", "😂😂😂😂", "😂😂"),
    ("punct-run", "主播!!!!", "主播!!"),
    ("233", "2333333", "233"),
    # --- padding
    ("emoji-padding", "主❤播❤好❤美", "主播好美"),
    ("star-padding", "关★注★主★播", "关注主播"),
    ("space-padding", "主 播 好 美", "主播好美"),
    ("comma-padding", "好,看,哭,了", "好看哭了"),
    ("pair-padding", "主播❤好美❤关注", "主播好美关注"),
    ("digit-padding", "1❤3❤8❤0", "1380"),
    ("final-emoji-kept", "主播好美❤", "主播好美❤"),
    ("inner-emoji-kept", "今天好开心😄明天见", "今天好开心😄明天见"),
    ("cjk-space", "今天 好开心", "今天好开心"),
    ("latin-space-kept", "hello world", "hello world"),
    ("zalgo", "主̶播̶好̶美̶", "主播好美"),
    # --- contact masking
    ("phone-plain", "电话13800138000", "电话<PHONE>"),
    ("phone-spaced", "1 3 8 0 0 1 3 8 0 0 0", "<PHONE>"),
    ("phone-dashed", "138-0013-8000", "<PHONE>"),
    ("phone-plus86", "+86 13800138000", "<PHONE>"),
    ("phone-circled", "①③⑧⓿⓿①③⑧⓿⓿⓿", "<PHONE>"),
    ("qq-cue", "扣扣：2096123456", "<QQ>"),
    ("qq-latin", "QQ 2096123456", "<QQ>"),
    ("qq-penguin", "企鹅号 2096 1234 56", "<QQ>"),
    ("qq-qiuqiu", "球球2096123456来玩", "<QQ>来玩"),
    ("qq-hao", "啰妹扣号2096123456", "啰妹<QQ>"),
    ("kou1-kept", "扣1", "扣1"),
    ("wechat-v-heart", "加V❤", "加<WECHAT>"),
    ("wechat-v-id", "加V❤: abc_123456", "加<WECHAT>"),
    ("wechat-vx-phone", "vx 13800138000", "<WECHAT>"),
    ("space-exposed-by-mask", "㊀ ➕微", "一加<WECHAT>"),  # hypothesis: idempotence
    ("wechat-weixin", "威信 wx_abc123", "<WECHAT>"),
    ("wechat-weixin2", "薇信同号", "<WECHAT>同号"),
    ("wechat-plus", "➕v 看简介", "加<WECHAT>看简介"),
    ("wechat-wx-colon", "wx:hello_2024", "<WECHAT>"),
    ("wechat-plain-word-kept", "我用微信支付", "我用微信支付"),
    ("weibo-kept", "加微博", "加微博"),
    ("jiayou-kept", "主播加油", "主播加油"),
    ("url-http", "戳https://t.cn/abc123领", "戳<URL>领"),
    ("url-www", "www.baidu.com", "<URL>"),
    ("url-dian", "访问 abc点com", "访问<URL>"),
    ("url-spaced-dot", "xx123 . top", "<URL>"),
    ("email", "mail a.b@qq.com", "mail <CONTACT>"),
    ("contact-jiawo", "加我 2096123456", "加我<CONTACT>"),
    ("contact-lianxi-phone", "联系13800138000", "联系<PHONE>"),
    # --- ordinary comments stay as they are
    ("ordinary-1", "主播今天好美", "主播今天好美"),
    ("ordinary-2", "晚安", "晚安"),
    ("ordinary-3", "这个多少钱", "这个多少钱"),
    ("ordinary-4", "已拍3单,质量很好", "已拍3单,质量很好"),
]


@pytest.mark.parametrize(("raw", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_evasion_case(raw: str, expected: str) -> None:
    assert normalize(raw).text == expected


def test_table_is_large_and_ids_unique() -> None:
    assert len(CASES) >= 80
    assert len({c[0] for c in CASES}) == len(CASES)


def test_example_features() -> None:
    f = normalize("主播\u200b好美哈哈哈哈哈").features
    assert (f.n_format_chars, f.max_run, f.n_runs_collapsed, f.had_zero_width) == (1, 5, 1, True)


@pytest.mark.parametrize(
    ("raw", "field", "value"),
    [
        ("主❤播❤好❤美", "n_padding", 3),
        ("主❤播❤好❤美", "n_emoji", 3),
        ("這個直播間", "n_traditional", 3),
        ("⺠主尓好", "n_variant_chars", 2),
        ("①②③", "n_styled_chars", 3),
        ("hеllo", "n_homoglyphs", 1),
        ("亻尔好", "n_split_chars", 1),
        ("壹叁捌零零壹叁捌零零零", "n_numeral_chars", 11),
        ("主̶播̶", "n_combining_marks", 2),
        ("好看好看好看", "max_unit_repeat", 3),
        ("哈哈哈哈哈哈", "max_run", 6),
        ("hello", "max_run", 2),
        ("主播好美", "max_run", 1),
        ("", "max_run", 0),
        ("主播好美", "share_non_cjk", 0.0),
        ("abcd", "share_non_cjk", 1.0),
        ("好美ab", "share_non_cjk", 0.5),
        ("主播\u200b", "orig_length", 3),
    ],
    ids=lambda v: str(v)[:12],
)
def test_feature_counts(raw: str, field: str, value: object) -> None:
    assert getattr(normalize(raw).features, field) == value


def test_masked_contact_kinds() -> None:
    f = normalize("扣扣2096123456 电话13800138000 加V❤ www.x.cn a@b.cn").features
    assert sorted(f.masked_contacts) == ["contact", "phone", "qq", "url", "wechat"]
    assert set(f.masked_contacts) <= set(CONTACT_KINDS)
    assert len(CONTACT_KINDS) == len(CONTACT_PLACEHOLDERS)


def test_placeholders_survive_a_second_pass() -> None:
    once = normalize("加V❤ 扣扣2096123456").text
    assert once == "加<WECHAT><QQ>"
    assert normalize(once).text == once


def test_version_and_normalizer() -> None:
    assert NORMALIZER_VERSION == "2"
    assert SUPPORTED_VERSIONS == ("1", "2")
    n = Normalizer()
    assert n.version == NORMALIZER_VERSION
    assert n("主❤播").text == normalize("主❤播").text
    assert [r.text for r in n.normalize_batch(["哈哈哈哈", "⺠"])] == ["哈哈", "民"]
    for bad in ("0", "3", "", "v1"):
        with pytest.raises(ValueError, match=f"normaliser version '{bad}' is not implemented"):
            Normalizer(bad)
    with pytest.raises(ValueError, match="implements '1', '2'"):
        normalize("x", "9")


def test_versions_do_not_share_cache_entries() -> None:
    text = "jia v: abc123"
    assert normalize(text, "1").text == "jia v: abc123"
    assert normalize(text).text == Normalizer("2")(text).text == "加<WECHAT>"
    assert normalize(text, "1").text == Normalizer("1").normalize_batch([text])[0].text


# Version 2 (issue 14): (id, raw, version 2 form, version 1 form, frozen).
CASES_V2: list[tuple[str, str, str, str]] = [
    # --- pinyin and spaced cues
    ("pinyin-kou-kou", "kou kou 12345678", "<QQ>", "kou kou 12345678"),
    ("pinyin-koukou", "koukou：12345678", "<QQ>", "koukou:12345678"),
    ("spaced-q-q", "q q 12345678", "<QQ>", "q q 12345678"),
    ("spaced-q-q-hao", "Q Q号：3765128", "<QQ>", "q <QQ>"),
    ("pinyin-wei-xin", "wei xin abc_12345", "<WECHAT>", "wei xin abc_12345"),
    ("pinyin-wei-xin-plain-kept", "wei xin", "wei xin", "wei xin"),
    ("pinyin-weixin-plain-kept", "我用weixin支付", "我用weixin支付", "我用weixin支付"),
    ("pinyin-jia-v", "jia v", "加<WECHAT>", "jia v"),
    ("pinyin-jia-vx-id", "jia vx abc123", "加<WECHAT>", "jia <WECHAT>"),
    ("pinyin-jia-wei-id", "jia wei abc123", "加<WECHAT>", "jia wei abc123"),
    ("pinyin-jiawei-name-kept", "jiawei", "jiawei", "jiawei"),
    ("pinyin-jia-wei-name-kept", "jia wei好帅", "jia wei好帅", "jia wei好帅"),
    ("spaced-latin-id-after-cue", "vx： k x m 2 0 9", "<WECHAT>", "<WECHAT>k x m 2 0 9"),
    ("spaced-latin-no-cue-kept", "k x m 2 0 9", "k x m 2 0 9", "k x m 2 0 9"),
    ("spaced-letters-no-digits-kept", "加 a b c d e f", "加 a b c d e f", "加 a b c d e f"),
    # --- digit separators
    ("cjk-stop-colon-in-qq", "QQ：376。51：28", "<QQ>", "qq:376。51:28"),
    ("ellipsis-in-phone", "电话138…1234…5678", "电话<PHONE>", "电话<PHONE>"),
    ("dash-plus-in-qq", "扣扣 376—51+28", "<QQ>", "扣扣 376—51+28"),
    ("separated-digit-tail", "vx zcujs28、4、9、9", "<WECHAT>", "<WECHAT>、4、9、9"),
    ("score-kept", "比分3:2一起加油", "比分3:2一起加油", "比分3:2一起加油"),
    ("time-kept", "12:30:45", "12:30:45", "12:30:45"),
    # --- Cyrillic look-alikes
    ("cyrillic-url", "һттр://т.сn/аЬс", "<URL>", "һттр://т.cn/аьс"),
    ("cyrillic-domain", "т.сn", "<URL>", "т.cn"),
    ("russian-word-kept-v2", "привет", "привет", "привет"),
    ("russian-capitals-kept-v2", "ВОТ ТАК", "вот так", "вот так"),
    # --- combining marks before NFKC
    ("acute-on-latin", "a\u0301bc123", "abc123", "ábc123"),
    ("keycap-on-cjk-bracket", "】\u20e3好", "】好", "】\u20e3好"),
    # --- one emoji between every character
    ("emoji-pad-keeps-comma", "晚❤安❤，❤明❤天❤见", "晚安,明天见", "晚安明天见"),
    ("emoji-pad-digits", "打❤卡❤第❤1❤0❤0❤天", "打卡第100天", "打卡第❤100天"),
    ("emoji-pad-latin", "L❤O❤L❤太❤难❤了", "lol太难了", "lol❤太难了"),
    ("emoji-trailing-kept", "好看❤", "好看❤", "好看❤"),
    ("emoji-one-gap-kept", "我❤你", "我❤你", "我❤你"),
    ("emoji-between-words-kept", "主播好美❤关注了❤晚安", "主播好美❤关注了❤晚安",
     "主播好美❤关注了❤晚安"),
    # --- spaces between CJK and a placeholder
    ("space-before-placeholder", "访问 abc点com", "访问<URL>", "访问 <URL>"),
    ("space-after-placeholder", "QQ 12345678 备注", "<QQ>备注", "<QQ> 备注"),
    ("space-latin-kept", "ok <QQ>", "ok <QQ>", "ok <QQ>"),
    # --- pinyin verb glued to the cue
    ("pinyin-jiaweixin", "jiawei信osh71526", "加<WECHAT>", "jiawei信osh71526"),
    ("pinyin-jiavx", "jiavx abc123", "加<WECHAT>", "jiavx abc123"),
    # --- OpenCC asymmetry
    ("ni-cheng", "暱称", "昵称", "暱称"),
]


@pytest.mark.parametrize(("raw", "v2", "v1"), [c[1:] for c in CASES_V2],
                         ids=[c[0] for c in CASES_V2])
def test_version_2_case(raw: str, v2: str, v1: str) -> None:
    assert normalize(raw).text == v2
    assert normalize(raw, "1").text == v1


def test_version_2_features() -> None:
    f = normalize("晚❤安❤，❤明❤天❤见").features
    assert (f.n_padding, f.n_emoji) == (5, 5)
    assert normalize("a\u0301bc").features.n_combining_marks == 1
    assert normalize("т.сn").features.n_homoglyphs == 2
    assert normalize("暱称").features.n_variant_chars == 1


def test_bad_input_named() -> None:
    with pytest.raises(TypeError, match="needs str, got bytes"):
        normalize(b"abc")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"texts\[1\]"):
        Normalizer().normalize_batch(["ok", None])  # type: ignore[list-item]


def test_features_are_a_frozen_dataclass() -> None:
    import dataclasses

    names = [f.name for f in dataclasses.fields(NormalizationFeatures)]
    assert names[:9] == [
        "orig_length", "n_format_chars", "n_variant_chars", "n_traditional", "n_padding",
        "n_emoji", "max_run", "n_runs_collapsed", "masked_contacts",
    ]
    with pytest.raises(dataclasses.FrozenInstanceError):
        normalize("x").features.max_run = 3  # type: ignore[misc]

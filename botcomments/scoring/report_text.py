"""The report's words in English and Chinese (``botcomments score --lang en|zh``).

Every label, heading and explanation the report shows comes from :data:`TEXT`; both
languages have the same keys (a test checks it), so a page is never half translated.

Example:
    >>> words("zh")["rooms_heading"]
    '各直播间（最不真实的排在前面）'
"""

from __future__ import annotations

LANGUAGES: tuple[str, ...] = ("en", "zh")

ESTIMATORS: dict[str, dict[str, str]] = {
    "en": {
        "reg": "room regression: the share of bots read from the room's whole evidence mix "
               "(score bins, account activity), calibrated on rooms with known bot shares",
        "pacc": "probability-adjusted count: the mean bot score corrected by the "
                "combiner's measured error rates",
        "acc": "adjusted count: the flagged share corrected by the measured hit and "
               "false-alarm rates",
        "pcc": "mean bot score (no error-rate correction available)",
        "cc": "flagged share (no error-rate correction available)",
    },
    "zh": {
        "reg": "直播间回归：依据整个直播间的证据分布（分数区间、账号活跃度）估计机器人占比，"
               "在已知机器人占比的直播间上校准",
        "pacc": "概率校正计数：用融合模型实测的误差率校正平均机器人分数",
        "acc": "校正计数：用实测的命中率和误报率校正被标记的比例",
        "pcc": "平均机器人分数（无误差率可供校正）",
        "cc": "被标记的比例（无误差率可供校正）",
    },
}
"""What each prevalence estimator name means."""

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "botcomments report",
        "guide_heading": "How to read this report",
        "guide": (
            "<p><b>Genuine comments</b> is the estimated share of the room's comments that "
            "real viewers wrote; <b>genuine commenters</b> the share of its accounts. The "
            "range in brackets is a 95 % interval: the true share lies inside it in about "
            "19 of 20 rooms. It is wide when the room is small, and it includes the "
            "measured error rates of the detector, not only chance.</p>"
            "<p><b>Flagged</b> counts comments whose bot score reached the threshold. The "
            "genuine share is <i>not</i> one minus the flagged share: the estimator corrects "
            "for the bots the flags miss and the real comments they catch by mistake, so "
            "the two numbers differ.</p>"
            "<p>A ratio below <b>{alert:.0%}</b> is shown in red (change it with "
            "<code>--alert-below</code>). A note under a room says when its evidence lies "
            "outside what the estimator was calibrated on.</p>"
            "<p><b>What to do next</b>: open the least genuine rooms; read their top "
            "near-duplicate clusters, templates and account groups (example lines and "
            "member accounts); export the accounts to act on with "
            "<code>botcomments score ... --accounts</code> (accounts.jsonl); every flagged "
            "comment's reason is in comments.jsonl (<code>flags</code>, "
            "<code>evidence</code>).</p>"
        ),
        "rooms_heading": "Rooms ranked by authenticity (least genuine first)",
        "room": "room", "genuine_comments": "genuine comments",
        "genuine_users": "genuine commenters", "comments": "comments", "users": "users",
        "flagged": "flagged", "no_rooms": "no rooms",
        "histogram_heading": "Bot-score histogram", "bot_score": "bot score",
        "histogram_y": "log10(1 + comments)", "threshold": "threshold",
        "calibration_heading": "Calibration on the labeled input",
        "brier": "Brier score <b>{brier:.4f}</b> over {n} labeled comments.",
        "reliability_x": "mean predicted bot score", "reliability_y": "observed bot share",
        "rooms_detail_heading": "Rooms", "room_title": "Room {room}",
        "estimator": "estimator", "flags": "flags",
        "out_of_range": "This room's evidence mix lies outside the rooms the ratio "
                        "estimator was calibrated on: the ratio is a fallback estimate and "
                        "its interval spans both readings; treat it with care.",
        "no_timeline": "no timestamps: no timeline",
        "timeline_x": "clock time ({zone})", "timeline_y": "comments / min",
        "timeline_minutes": "minute since the first comment",
        "genuine_share": "genuine share",
        "clusters_heading": "Top near-duplicate clusters",
        "templates_heading": "Top templates",
        "groups_heading": "Top account groups",
        "cluster": "cluster", "size": "size", "examples": "examples",
        "template": "template", "skeleton": "skeleton", "group": "group",
        "evidence": "evidence", "members": "members",
        "more_rooms": "{n} more rooms are in rooms.json", "none": "none",
    },
    "zh": {
        "title": "botcomments 报告",
        "guide_heading": "如何阅读本报告",
        "guide": (
            "<p><b>真实评论</b>是估计的、由真实观众发送的评论所占比例；<b>真实评论者</b>是真实"
            "账号所占比例。括号中的范围是 95% 区间：大约每 20 个直播间中有 19 个的真实比例落在"
            "区间内。直播间越小区间越宽；区间不仅包含随机误差，也包含检测器实测的误差率。</p>"
            "<p><b>被标记</b>是机器人分数达到阈值的评论条数。真实比例<i>不等于</i> 1 减去被标记"
            "比例：估计方法会校正标记漏掉的机器人和误标的真实评论，所以两个数字不同。</p>"
            "<p>低于 <b>{alert:.0%}</b> 的比例以红色显示（可用 <code>--alert-below</code> "
            "修改）。若直播间的证据超出了估计方法的校准范围，该直播间下方会有提示。</p>"
            "<p><b>下一步</b>：先看最不真实的直播间；查看其中最大的近似重复簇、模板和账号组"
            "（示例弹幕和成员账号）；用 <code>botcomments score ... --accounts</code> 导出需要"
            "处理的账号（accounts.jsonl）；每条被标记评论的原因见 comments.jsonl 的 "
            "<code>flags</code> 和 <code>evidence</code> 字段。</p>"
        ),
        "rooms_heading": "各直播间（最不真实的排在前面）",
        "room": "直播间", "genuine_comments": "真实评论", "genuine_users": "真实评论者",
        "comments": "评论数", "users": "账号数", "flagged": "被标记", "no_rooms": "没有直播间",
        "histogram_heading": "机器人分数分布", "bot_score": "机器人分数",
        "histogram_y": "log10(1 + 评论数)", "threshold": "阈值",
        "calibration_heading": "在带标签输入上的校准",
        "brier": "Brier 分数 <b>{brier:.4f}</b>，基于 {n} 条带标签评论。",
        "reliability_x": "平均预测机器人分数", "reliability_y": "实际机器人比例",
        "rooms_detail_heading": "直播间详情", "room_title": "直播间 {room}",
        "estimator": "估计方法", "flags": "标记",
        "out_of_range": "该直播间的证据分布超出了比例估计方法的校准范围：显示的是备用估计，"
                        "区间覆盖两种读数，请谨慎对待。",
        "no_timeline": "没有时间戳：无法绘制时间线",
        "timeline_x": "时间（{zone}）", "timeline_y": "每分钟评论数",
        "timeline_minutes": "距第一条评论的分钟数",
        "genuine_share": "真实比例",
        "clusters_heading": "最大的近似重复簇", "templates_heading": "最大的模板",
        "groups_heading": "最大的账号组",
        "cluster": "簇", "size": "大小", "examples": "示例", "template": "模板",
        "skeleton": "骨架", "group": "组", "evidence": "证据", "members": "成员",
        "more_rooms": "另有 {n} 个直播间见 rooms.json", "none": "无",
    },
}
"""Label key -> text, per language."""


def words(lang: str) -> dict[str, str]:
    """The report's words in one language.

    Args:
        lang: ``en`` or ``zh``.

    Returns:
        Key -> text.

    Raises:
        ValueError: For another language.
    """
    if lang not in TEXT:
        raise ValueError(f"report language {lang!r}: choose one of {', '.join(LANGUAGES)}")
    return TEXT[lang]


def estimator_meaning(lang: str, name: str) -> str:
    """What an estimator label means (``"reg (user share: comment model)"`` -> reg's).

    Args:
        lang: ``en`` or ``zh``.
        name: The estimator label of a room report.

    Returns:
        One sentence, or the name itself when unknown.
    """
    return ESTIMATORS[lang].get(name.split(" ")[0], name)

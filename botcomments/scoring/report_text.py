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

ENGAGEMENT_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "eng_heading": "Bought viewers and likes",
        "eng_guide": (
            "From the room's engagement events (enters, likes, viewer counts, gifts, "
            "follows). <b>Genuine viewers</b> are the accounts estimated to be real among all "
            "accounts seen entering or acting; <b>genuine likes</b> the likes estimated to "
            "come from real viewers. Intervals aim at 90 %. Each evidence line says what it "
            "compares; the notes say what the feed cannot show."
        ),
        "eng_viewers": "Genuine viewers", "eng_likes": "Genuine likes",
        "eng_of": "{genuine} of {total} ({share}, interval {lo}–{hi})",
        "eng_peak": "Highest viewer count shown by the platform",
        "eng_evidence": "Evidence", "eng_notes": "What the feed cannot tell",
        "eng_item": "evidence", "eng_value": "value", "eng_reference": "compared with",
        "eng_flagged": "points at bought", "eng_reason": "reason", "yes": "yes", "no": "no",
        "eng_out_of_range": "Outside the range the intervals were calibrated on: read the "
                            "figures as indications.",
        "eng_only_heading": "Rooms with engagement events but no comments",
        "ev_viewer_jumps": "shown-count rises without entries",
        "ev_shown_vs_accounts": "peak shown count / accounts seen",
        "ev_entry_bursts": "entry bursts and slow deliveries beyond interacting entrants",
        "ev_idle_entrants": "entrants who never act or stay",
        "ev_interaction_share": "share of viewers who interact",
        "ev_commenters_per_viewer": "commenters per viewer",
        "ev_machine_likes": "likes at machine rates",
        "ev_like_history": "likes in minutes far above the room's own history",
        "ev_likes_per_commenter": "likes per commenting account",
        "ev_likes_per_viewer_peers": "likes per viewer against peer rooms",
    },
    "zh": {
        "eng_heading": "购买的观众与点赞",
        "eng_guide": (
            "依据直播间的互动事件（进入、点赞、观众人数、礼物、关注）。<b>真实观众</b>是在所有"
            "进入或有互动的账号中估计为真实的账号；<b>真实点赞</b>是估计来自真实观众的点赞。"
            "区间的目标覆盖率为 90%。每条证据说明它与什么比较；附注说明数据无法反映的部分。"
        ),
        "eng_viewers": "真实观众", "eng_likes": "真实点赞",
        "eng_of": "{genuine} / {total}（{share}，区间 {lo}–{hi}）",
        "eng_peak": "平台显示的最高观众人数",
        "eng_evidence": "证据", "eng_notes": "数据无法说明的部分",
        "eng_item": "证据", "eng_value": "数值", "eng_reference": "比较基准",
        "eng_flagged": "指向购买", "eng_reason": "说明", "yes": "是", "no": "否",
        "eng_out_of_range": "超出区间的校准范围：数字仅供参考。",
        "eng_only_heading": "只有互动事件、没有评论的直播间",
        "ev_viewer_jumps": "没有进入事件对应的显示人数跃升",
        "ev_shown_vs_accounts": "最高显示人数 / 出现过的账号数",
        "ev_entry_bursts": "超出互动进入者所能解释的集中进入与陆续进入",
        "ev_idle_entrants": "进入后既不互动也不停留的账号",
        "ev_interaction_share": "有互动的观众比例",
        "ev_commenters_per_viewer": "每位观众的评论者数",
        "ev_machine_likes": "机器速度的点赞",
        "ev_like_history": "远高于本直播间常态的分钟点赞",
        "ev_likes_per_commenter": "每个评论账号的点赞数",
        "ev_likes_per_viewer_peers": "与同批直播间相比的每位观众点赞数",
    },
}
"""The engagement panel's words (merged into :data:`TEXT`)."""

ENGAGEMENT_REASONS_ZH: dict[str, str] = {
    "viewer_jumps": "两次人数快照之间显示人数的上升远多于期间进入的账号：没有进入事件的观众"
                    "（购买的人数或平台虚增，数据无法区分）。",
    "shown_vs_accounts": (
        "大于 1 表示显示人数包含任何事件都看不到的观众（累计人数、未显示的游客或虚增）。"
    ),
    "entry_bursts": (
        "某些分钟进入的账号远多于本直播间互动进入者所能解释的数量（或紧邻这样的分钟、其安静进入者"
        "缺少真实标记的比例远高于互动者）：一次性投放的观众套餐；"
        "或某段时间内进入者的互动比例远低于本直播间其余时段（或该时段闲置进入者达到等级门槛、"
        "未在其他直播间被判为购买的比例远低于其余时段）：在一段时间内陆续投放的闲置账号。"
    ),
    "idle_entrants": (
        "进入后从不评论、点赞、送礼或关注，之后也再未出现的账号比例；超过平台常态即可疑。"
        "数据带有账号等级时，还与本直播间互动账号的等级分布比较：互动者等级所不能解释的"
        "低等级闲置账号计为购买。与其他直播间一同分析时，在其他直播间被判为购买的账号"
        "也参与同一比较（以本直播间互动账号中此类账号的比例为参照）。"
    ),
    "interaction_share": "曾经互动的观众比例，与平台常态（来自公开描述的先验）比较；远低于常态说明"
                         "观众中有闲置的购买账号。",
    "commenters_per_viewer": (
        "评论者占观众的比例：过低说明观众被填充，过高说明评论由只评论的账号填充。"
    ),
    "machine_likes": "快于人手点击速度的点赞（单账号或同一秒内所有点赞账号的能力之外）。",
    "like_history": "落在点赞数超过本直播间分钟中位数 10 倍的分钟内的点赞比例。",
    "likes_per_commenter": "每个评论或送礼账号的点赞数；直播间足够多时与同批直播间比较。",
    "likes_per_viewer_peers": "每位观众的点赞数与同批直播间的中位数比较；超过 10 倍即可疑。",
}
"""Chinese explanation per evidence item (the English reason carries the room's figures)."""

NOTES_ZH: dict[str, str] = {
    "priors": "真实观众的常态（互动比例、评论者比例、点击速度）是来自公开描述的范围，并未在真实"
              "直播间上测量。",
    "slow_drip": "缓慢、均匀投放且互动比例仍在常态内的闲置购买账号看起来像潜水观众，会被计为真实。",
    "shown_count": (
        "平台在没有账号事件的情况下加到显示人数上的观众无法计数，只表现为无法解释的跃升。"
    ),
    "no_enters": "数据中没有进入事件：观众只包括有过互动的账号。",
    "floor": "互动的观众少于平台常态下限：多出的闲置账号计为购买，因此数字依赖这一先验。",
    "few_accounts": "账号少于 30 个：超出区间的校准范围。",
}
"""Chinese text per note code (the English text is in the engagement block)."""

for _lang in LANGUAGES:
    TEXT[_lang].update(ENGAGEMENT_TEXT[_lang])


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

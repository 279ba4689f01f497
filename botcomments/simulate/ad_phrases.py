"""Phrase grammar of ad/spam families for the simulator (see :mod:`botcomments.simulate.ads`).

Each family has four banks: ``short`` (4-10 characters: "进群领资料"), ``lines`` (one
clause or two: a typical one-line ad), ``points`` (selling points that long,
multi-line ads list with emoji bullets) and ``cta`` (the contact call that ends a long
ad). Templates use ``{slot}`` placeholders filled from :data:`AD_SLOTS` plus the
per-line contact slots of :class:`botcomments.simulate.ads.ContactKit` (``{qq}``,
``{wxid}``, ``{phone}``, ``{group}``, ``{url}``, ``{code}``, ``{token}``, ``{tgid}``,
``{contact}``). Everything here was written for the simulator from general knowledge
of Chinese chat-spam styles; nothing is copied from a corpus.
"""

from __future__ import annotations

from dataclasses import dataclass

from botcomments.simulate.phrases import CONTACT_WORDS, SLOTS, SPAM_TEMPLATES, bank


@dataclass(frozen=True, slots=True)
class FamilyBanks:
    """Template banks of one ad family.

    Attributes:
        short: Very short ads (4-10 characters once filled).
        lines: One-line ads.
        points: Selling points listed in long ads.
        cta: Contact calls that close long ads.
    """

    short: tuple[str, ...]
    lines: tuple[str, ...]
    points: tuple[str, ...]
    cta: tuple[str, ...]


# ---------------------------------------------------------------------------------------
# Static slots (merged over the general SLOTS)
# ---------------------------------------------------------------------------------------
AD_SLOTS: dict[str, tuple[str, ...]] = {
    **SLOTS,
    "contact_word": CONTACT_WORDS,
    "qq_cue": bank("QQ|qq|Q|QQ号|q号|扣扣|扣|球球|秋秋|企鹅|企鹅号|蔻蔻|Ｑ Ｑ|扣号"),
    "wx_cue": bank("加V|+V|+v|vx|VX|V|v信|加薇|薇|威信|薇信|wx|加微|V❤|绿泡泡|徽信|➕V|+vx|加威"),
    "phone_cue": bank("电话|手机|☎|📞|联系电话|热线|tel|手机号|call"),
    "group_cue": bank(
        "群|裙|峮|Q群|扣群|企鹅群|qq群|群号|裙号|峮号|交流群|粉丝群|福利群|内部群|资源群|VIP群|微信群"
    ),
    "tg_cue": bank("TG：|tg|飞机：|纸飞机|telegram：|TG@|飞机号"),
    "look": bank(
        "看头像|看我头像|看签名|看我签名|看主页|主页有|点我头像|看简介|简介有|看昵称|头像有|看置顶|主页置顶"
    ),
    "chat": bank("私我|私聊|私信我|滴滴我|戳我|找我|加好友|私|密我|加我好友|来撩|dd我|私戳"),
    "hi": bank(
        "需要的|有需要的|想要的|感兴趣的|懂的|缺钱的|想赚钱的|学生党|宝妈|兄弟们|家人们|姐妹们|有意者|老铁们"
    ),
    "bullet": bank("✅|🔥|👉|✔️|⭐|💰|🎁|📣|🌟|💥|▶|◆|●|★|🔸|❗"),
    "br": ("\n", "\n", "\n", " ", "，", "；", "！", "\n\n"),
    "money": bank("100|200|300|500|800|1000|2000|3000|5000|几百|上千|三五百"),
    "daily": bank("100-300|200-500|300+|500+|几百|200+|150-400|300-800"),
    "small": bank("1|2|3|5|8|10|12|15|20"),
    "pct": bank("10%|20%|30%|50%|100%|3倍|5倍|10倍|20%-50%"),
    "pct2": bank("90%|95%|98%|99%|100%"),
    "gift": bank("福利|资料|资源|红包|礼包|皮肤|教程|干货|好东西|网盘资源|学习资料|新人礼"),
    "platform": bank("抖音|快手|B站|淘宝|拼多多|小红书|美团|京东|支付宝|微博|闲鱼"),
    "task": bank("点赞|关注|评论|收藏|看视频|打字|抄写|转发|浏览商品|录音|拍照|刷视频"),
    "lottery": bank(
        "彩票|时时彩|北京赛车|幸运飞艇|百家乐|棋牌|电子游艺|快三|体育|真人视讯|捕鱼|德州|PK10|六合"
    ),
    "coin": bank("USDT|U|BTC|ETH|泰达币|虚拟币|数字货币|U币|TRX|狗狗币"),
    "game": bank(
        "王者|吃鸡|和平精英|原神|LOL|蛋仔|CF|DNF|梦幻|逆水寒|第五人格|金铲铲|崩铁|光遇|传奇|奇迹"
    ),
    "gamecur": bank("钻石|点券|金币|元宝|原石|金条|水晶|游戏币|晶石|Q币|银两|绑元"),
    "bignum": bank("1000|3000|5000|1万|2万|10万|100w|500w|50万|3000w|1e"),
    "unit": bank("万|千|百|W"),
    "discount": bank("5|6|6.5|7|7.5|8|8.5|8.8|9"),
    "account": bank(
        "QQ号|微信号|实名号|白号|抖音号|快手号|游戏账号|王者号|老号|QQ靓号|小号|满月号|半年号|拉群号|解封号"
    ),
    "course": bank(
        "考研资料|四六级真题|教资资料|公考资料|计算机二级题库|期末复习资料|软考资料|PS教程|剪辑教程|雅思资料"
        "|专升本资料|网课答案"
    ),
    "exam": bank("四六级|期末|教资|计算机二级|考研|专升本|驾照科一|雅思|普通话|会计"),
    "service": bank("代写|代考|代做作业|代刷网课|论文降重|代写论文|代上网课|代挂|代刷学分|代做PPT"),
    "vip": bank("爱奇艺|腾讯视频|优酷|芒果TV|网易云|QQ音乐|B站大会员|百度网盘|WPS|夸克"),
    "city": bank("同城|附近|本地|附近的|同城的|本市"),
    "girl": bank("小姐姐|美女|学妹|妹子|御姐|模特|女大|少妇|萝莉|空姐"),
    "lure": bank(
        "福利视频|私密视频|看片资源|好东西|不一样的直播|午夜福利|宅男福利|私房照|1v1视频|看片神器|成人资源"
    ),
    "campus": bank("大学|学院|25级新生|24届|26届考研|新生|大一|本校|同校|校区|师范|理工"),
    "bigmoney": bank("5万|10万|20万|30万|50万|5000"),
    "school": bank(
        "某大|XX大学|本校|咱们学校|师范|理工|财经|科大|工大|医学院|职院|学院|城院|外国语|传媒"
    ),
    "grade": bank("2024级|2025级|2026级|24级|25级|26届|大一|研一|新一届"),
    "job": bank(
        "客服|打字员|主播|模特|代理|推广员|审核员|小时工|录入员|配音员|剪辑|店员|文员|运营|骑手"
    ),
    "tail": ("", "", "", *bank("！|!!|~|～|。|🔥|💰|❤️|👇|👆|😘|🧧|[红包]|[赞]")),
}

# ---------------------------------------------------------------------------------------
# Families
# ---------------------------------------------------------------------------------------
AD_FAMILIES: dict[str, FamilyBanks] = {
    "contact_swap": FamilyBanks(
        short=bank(
            """
            加{wx_cue}|{look}|{chat}|私我|{chat}领福利|{look}有惊喜|加好友|{wx_cue}{wxid}|互关私聊
            私聊有惊喜|{qq_cue}{qq}|加我{wx_cue}|扫码加我|私聊秒回|有事私我|{look}{tail}
            """
        ),
        lines=bank(
            """
            {wx_cue}：{wxid}|{hi}{wx_cue}{wxid}|{qq_cue}：{qq} 备注{platform}
            加我{wx_cue}{wxid}，{chat}详聊
            {look}，有联系方式|{phone_cue}{phone}|有事{chat}，{qq_cue}{qq}|{look}加好友，通过率高
            直播间不方便说，{chat}|这里说不了，{look}|{hi}{chat}，秒回|加{wx_cue}{wxid}，备注{host}
            {host}不让发，{look}|{wx_cue}{wxid}，{qq_cue}{qq}都行|扫我头像二维码加好友|二维码在主页，扫码就行
            {hi}直接{phone_cue}{phone}|互加好友{wx_cue}{wxid}|{contact_word}{contact}，不闲聊
            """
        ),
        points=bank(
            """
            24小时在线|秒回|通过率100%|备注来意|不回就是在忙|真诚交友|只加真心的|诚信第一
            加了不回的别来|白天忙晚上回|新老朋友都欢迎
            """
        ),
        cta=bank(
            """
            {wx_cue}：{wxid}|{qq_cue}{qq}|{phone_cue}{phone}|{look}|{chat}|扫码加好友|扫头像二维码
            {contact_word}{contact}
            """
        ),
    ),
    "group_invite": FamilyBanks(
        short=bank(
            """
            进群领资料|进{group_cue}|拉你进群|{group_cue}{group}|来群里|进群有福利|群里发|加群领红包
            进群看|群里见|{group_cue}私我|拉群私我|进群{tail}
            """
        ),
        lines=bank(
            """
            {group_cue}：{group}|{gift}都在{group_cue}里，{group}|{hi}进{group_cue}{group}
            {campus}{group_cue}{group}，学长学姐答疑|拉你进{group_cue}，{chat}|{group_cue}里每天发{gift}
            扫码进群，{look}|满{money}人发红包，{group_cue}{group}|{gift}群里发，{group_cue}号{group}
            {campus}交流{group_cue}：{group}，兼职二手都有|新建{group_cue}，进来聊天{group}
            想要{gift}的进{group_cue}{group}|{group_cue}{group}，进群改备注|{platform}{gift}群，{chat}拉你
            加{qq_cue}{qq}拉你进{group_cue}|{wx_cue}{wxid}，拉你进内部群
            """
        ),
        points=bank(
            """
            每天发红包|群里有人带|资料免费分享|学长学姐答疑|兼职信息|二手交易|快递代取|禁止广告
            名额有限|满员就换群|已有{bignum}人加入|不定时发福利|进群先看群公告|新人进群有{gift}
            """
        ),
        cta=bank(
            """
            {group_cue}：{group}|{group_cue}号{group}|{qq_cue}{qq}拉你进群|{wx_cue}{wxid}拉群|扫码进群
            {look}进群|进{group_cue}{group}
            """
        ),
    ),
    "parttime_job": FamilyBanks(
        short=bank(
            """
            兼职日结|招兼职|手机就能做|日赚{money}|在家赚钱|宝妈兼职|学生兼职|佣金秒结|招打字员
            兼职私我|日结私|躺赚{tail}|招{task}员
            """
        ),
        lines=bank(
            """
            兼职日结，{daily}一天，{wx_cue}{wxid}|手机就能做，{task}就有佣金，{chat}
            {hi}看过来，{platform}{task}任务，一单{small}元|宝妈学生党都能做，日赚{money}+
            佣金秒结，不收任何费用，{qq_cue}{qq}|招{platform}{task}员，时间自由|在家躺着赚钱，{look}
            零门槛无押金，当天结算|{platform}{task}，一单一结，{chat}|招聘手工活外发，{phone_cue}{phone}
            {hi}来，{task}{small}元一单，{group_cue}{group}|每天花一小时，多赚{money}，{look}
            """
        ),
        points=bank(
            """
            时间自由|不收押金|一单一结|多劳多得|新手有人带|不耽误上班|宝妈学生党优先|18岁以上
            有手机就行|一天一两个小时|佣金秒到|日赚{daily}|{task}一单{small}元|不交任何费用
            """
        ),
        cta=bank(
            """
            {wx_cue}{wxid}|{qq_cue}{qq}|{chat}|{look}|{group_cue}{group}|{phone_cue}{phone}
            {hi}{chat}
            """
        ),
    ),
    "gambling": FamilyBanks(
        short=bank(
            """
            稳赚不赔|导师带单|包赢|回血上岸|{lottery}带单|稳赚|上岸私我|计划群|带你回血|{lottery}计划
            """
        ),
        lines=bank(
            """
            {lottery}导师带单，{pct}回报|输了的兄弟{chat}，带你回血|{lottery}内部计划，准确率{pct2}
            稳赚不赔，{lottery}{group_cue}{group}|首充送{money}，{url}|{lottery}包赢技巧，{look}
            已经回血{bignum}了，{chat}|{lottery}稳赚方法，{wx_cue}{wxid}|输钱的进{group_cue}{group}，带你上岸
            {lottery}{pct2}胜率，{tg_cue}{tgid}|玩{lottery}的{chat}，有内部消息|注册就送{money}，{url}
            """
        ),
        points=bank(
            """
            专业导师一对一|每天稳定盈利|首充送{pct}|提款秒到账|大额无忧|不限IP|输了包赔
            {lottery}计划免费发|日赚{money}|上岸不是梦|官方直营|信誉平台
            """
        ),
        cta=bank(
            """
            {chat}|{wx_cue}{wxid}|{group_cue}{group}|{url}|{tg_cue}{tgid}|{qq_cue}{qq}|{look}
            """
        ),
    ),
    "porn_lure": FamilyBanks(
        short=bank(
            """
            同城约|{girl}在线|资源私我|看片私我|{lure}|寂寞吗|{city}约吗|裸聊私我|{city}交友|懂的私
            {lure}{tail}
            """
        ),
        lines=bank(
            """
            {city}{girl}在线，{chat}|寂寞了？{look}|{girl}1v1视频聊天，{wx_cue}{wxid}|午夜{lure}，{url}
            {lure}私我，懂的来|{hi}，{lure}都在{group_cue}{group}|{girl}陪聊，{chat}
            {city}交友，真人认证，{look}|{place}的{girl}，{look}|一个人睡不着？{chat}
            {lure}{bignum}部，{url}|{girl}在线等你，{qq_cue}{qq}|想看{lure}的{chat}
            """
        ),
        points=bank(
            """
            真人认证|不满意不收费|24小时在线|安全私密|新人免费体验|{place}可约|视频验证|资源每日更新
            {bignum}部资源|{girl}多|保护隐私
            """
        ),
        cta=bank("{chat}|{look}|{wx_cue}{wxid}|{qq_cue}{qq}|{url}|{group_cue}{group}"),
    ),
    "crypto": FamilyBanks(
        short=bank(
            """
            U币承兑|币圈带单|{coin}跑分|空投领币|合约带单|收U|出U|高价收U|{coin}私我|跑分私
            """
        ),
        lines=bank(
            """
            {coin}合约带单，日收益{pct}|高价收{coin}，{chat}|{coin}承兑，量大从优，{tg_cue}{tgid}
            跑分平台招人，日入{money}|新币空投，{url}|币圈大佬带单，{group_cue}{group}|{coin}低价出，{wx_cue}{wxid}
            {coin}合约胜率{pct2}，{look}|注册交易所送{coin}，邀请码{code}|{coin}搬砖，日赚{daily}，{chat}
            """
        ),
        points=bank(
            """
            合约胜率{pct2}|每日{n}单|量大从优|秒到账|安全无风险|支持大额|新人送{coin}|空投先到先得
            {coin}担保交易|日收益{pct}
            """
        ),
        cta=bank("{tg_cue}{tgid}|{chat}|{wx_cue}{wxid}|{url}|{group_cue}{group}|邀请码{code}"),
    ),
    "course_sell": FamilyBanks(
        short=bank(
            """
            网课代刷|考研资料|四六级答案|代写论文|代考私|期末答案|资料私我|{exam}答案|{service}
            {exam}包过
            """
        ),
        lines=bank(
            """
            {course}全套，{price}元，{chat}|{service}，价格美丽，{qq_cue}{qq}|{exam}答案考前发，{group_cue}{group}
            {exam}包过，不过退款，{wx_cue}{wxid}|{service}，{hi}{chat}|{course}百度网盘发，{look}
            {exam}押题卷，{chat}|专业{service}，{phone_cue}{phone}|全网最全{course}，{url}
            """
        ),
        points=bank(
            """
            包过|不过退款|网盘秒发|全网最全|持续更新|学长亲测|价格实惠|{price}元全套|可先看样|保密
            """
        ),
        cta=bank("{qq_cue}{qq}|{wx_cue}{wxid}|{chat}|{look}|{group_cue}{group}"),
    ),
    "account_sell": FamilyBanks(
        short=bank(
            """
            出{account}|收号|出白号|实名号出|低价代充|出售账号|批发{account}|{vip}会员|收{account}
            """
        ),
        lines=bank(
            """
            出售{account}，{price}一个，{chat}|批发{account}，量大从优|{account}大量现货，{wx_cue}{wxid}
            长期收{account}，高价回收|低价代充{vip}会员，{qq_cue}{qq}|{vip}会员{small}元一月，{look}
            {account}{small}元一个，{chat}|出{n}个{account}，可换绑，{wx_cue}{wxid}
            """
        ),
        points=bank("可换绑|包售后|秒发货|支持验号|量大优惠|实名已认证|可改密|包稳定|{vip}低价"),
        cta=bank("{chat}|{wx_cue}{wxid}|{qq_cue}{qq}|{look}|{tg_cue}{tgid}"),
    ),
    "game_trade": FamilyBanks(
        short=bank(
            """
            出{gamecur}|收{gamecur}|低价{gamecur}|代充{gamecur}|{game}代练|出号|收号|M我|{gamecur}私
            """
        ),
        lines=bank(
            """
            出{bignum}{gamecur}，{price}元，可先货|{game}{gamecur}低价出，{chat}|收{game}账号，高价
            {game}代充{gamecur}，{discount}折|{game}代练上分，{qq_cue}{qq}|出{game}{gamecur}，{small}块一{unit}
            {game}{gamecur}{discount}折充，{wx_cue}{wxid}|{game}出号，{look}|收{gamecur}，{small}块一{unit}，M我
            {game}全区{gamecur}，秒到，{chat}|出{game}满V号，{price}，可验
            """
        ),
        points=bank(
            """
            可先货|安全不封号|秒到|信誉担保|老板放心|支持中介|全区全服|量大从优|{discount}折|接受验号
            """
        ),
        cta=bank("{qq_cue}{qq}|{wx_cue}{wxid}|{chat}|M我|密我|{look}"),
    ),
    "giveaway": FamilyBanks(
        short=bank(
            """
            免费送|0元购|领红包|中奖了|抽奖啦|免费领|点击领取|红包私我|免费领{product}
            """
        ),
        lines=bank(
            """
            恭喜您中奖了，请联系{qq_cue}{qq}领取|免费送{product}，只需{task}|0元购{product}，{url}
            {platform}红包，点击链接领取 {url}|{host}抽奖送{product}，{look}
            新人领{money}元红包，复制打开{platform}
            转发本条领{product}|恭喜中奖，请添加{wx_cue}{wxid}领奖|{product}免费送，包邮到家，{chat}
            {platform}周年庆，领{money}元，{url}|点击{url}领取{gift}|中奖名单在主页，{look}
            """
        ),
        points=bank(
            "包邮到家|数量有限|先到先得|仅限今天|真实有效|不要钱|已有{bignum}人领取|100%中奖"
        ),
        cta=bank("{url}|{look}|{chat}领取|复制{token}打开{platform}|{qq_cue}{qq}|{wx_cue}{wxid}"),
    ),
    "link_code": FamilyBanks(
        short=bank("复制打开|点链接|{url}|邀请码{code}|口令{token}|{token}|戳链接|链接私"),
        lines=bank(
            """
            复制这段{token}打开{platform}|{url} 复制到浏览器打开|注册填邀请码{code}，送{money}
            长按复制{token}，打开{platform}领取|点击{url}领取{gift}|邀请码：{code}，互助
            {platform}助力，{token}|{url}，懂的都懂|下载{url}，填邀请码{code}|{token}，复制后打开{platform}
            """
        ),
        points=bank("新人专享|注册就送|秒到账|限时活动|互助必回|无需实名"),
        cta=bank("{url}|邀请码{code}|复制{token}|{look}"),
    ),
    "loan": FamilyBanks(
        short=bank("急用钱私|秒下款|黑户可贷|网贷口子|借钱私我|不看征信|当天放款"),
        lines=bank(
            """
            急用钱的{chat}，当天放款|{money}到{bigmoney}，不看征信|黑户白户都能下，{wx_cue}{wxid}
            网贷逾期协商，{phone_cue}{phone}|新口子，秒批秒到，{url}|{hi}{chat}，额度{bigmoney}
            """
        ),
        points=bank("不看征信|不查大数据|当天到账|无抵押|利息低|黑户可做|学生可贷|额度{bigmoney}"),
        cta=bank("{chat}|{wx_cue}{wxid}|{phone_cue}{phone}|{url}|{qq_cue}{qq}"),
    ),
    "boost": FamilyBanks(
        short=bank("涨粉私|刷人气|买粉私我|上热门|刷礼物|代刷播放|{platform}涨粉"),
        lines=bank(
            """
            涨粉点赞，{price}元{bignum}粉，{chat}|直播间人气{bignum}起，{qq_cue}{qq}|{platform}上热门，包流量
            出售直播间人气，{wx_cue}{wxid}|代刷{platform}播放量，{look}|{host}要人气吗？{chat}
            {platform}真人粉，{small}元一百，{wx_cue}{wxid}
            """
        ),
        points=bank("真人粉|不掉粉|秒到|价格最低|可先试后付|支持{platform}|{bignum}起刷"),
        cta=bank("{chat}|{wx_cue}{wxid}|{qq_cue}{qq}|{look}"),
    ),
    "campus": FamilyBanks(
        short=bank(
            """
            新生群私|学长带路|学姐答疑|{school}新生群|校园卡私我|代取快递|{school}兼职群|驾校报名私
            选课攻略私|新生进群
            """
        ),
        lines=bank(
            """
            {school}{grade}新生群，{group_cue}{group}，学长学姐在线答疑|{school}的学弟学妹看过来，{look}
            {grade}新生们，选课/宿舍/军训问题进群问，{group_cue}{group}|学姐整理了{school}新生攻略，{chat}
            {school}校园卡办理，流量不限速，{wx_cue}{wxid}|{school}驾校报名，学生价{price}，{phone_cue}{phone}
            {school}校内代取快递，{small}元一件，{group_cue}{group}|{school}学生兼职群，日结，{qq_cue}{qq}
            {grade}考研学长一对一，{course}免费送，{wx_cue}{wxid}|本群为{school}{grade}官方新生群，拉同学进来
            学长有{school}往年期末真题，{chat}|{school}二手书/资料群，{group_cue}{group}，毕业学长出
            """
        ),
        points=bank(
            """
            学长学姐在线答疑|选课攻略|宿舍分配|军训须知|校园卡办理|新生福利|往年真题|二手教材
            专业分流|奖学金经验|考研保研经验|入学须知|免费领资料|{school}专属
            """
        ),
        cta=bank(
            """
            {group_cue}{group}|{qq_cue}{qq}|{wx_cue}{wxid}|扫码进群|拉同学进群|{chat}|进群备注专业
            """
        ),
    ),
    "recruit": FamilyBanks(
        short=bank("高薪招聘|急招客服|招打字员|招代理|招主播|在家办公私|招小时工|日结招人"),
        lines=bank(
            """
            急招{job}，{daily}元/天，{chat}|招聘{job}，无需经验，{wx_cue}{wxid}|高薪诚聘{job}，包吃住，{phone_cue}{phone}
            {platform}招{job}，底薪{money}+提成，{qq_cue}{qq}|公司直招{job}，{hi}{chat}|招{job}，当天上岗，{look}
            诚招代理，零投资，{group_cue}{group}|招聘线上{job}，手机就能做，{wx_cue}{wxid}
            """
        ),
        points=bank(
            """
            无需经验|当天上岗|包吃包住|底薪{money}|日结工资|在家办公|时间自由|多劳多得|有人带|男女不限
            学生宝妈优先|不收任何费用
            """
        ),
        cta=bank("{chat}|{wx_cue}{wxid}|{qq_cue}{qq}|{phone_cue}{phone}|{group_cue}{group}|{look}"),
    ),
    "shop_lure": FamilyBanks(
        short=bank("低价货源|一手货源|同款更便宜|工厂直发|{product}批发|私信拿内部价"),
        lines=SPAM_TEMPLATES,
        points=bank(
            """
            工厂直发|一手货源|价格是直播间一半|支持验货|包邮|{product}批发价|{brand}{product}|可一件代发
            """
        ),
        cta=bank("{contact_word}{contact}|{chat}|{look}|{wx_cue}{wxid}"),
    ),
}

"""Built-in phrase banks for the simulator (no external corpus needed).

Entries are separated by ``|`` or newlines. Templates use ``{slot}`` placeholders that
:mod:`botcomments.simulate.grammar` fills from :data:`SLOTS`. Everything here is
written for the simulator; nothing is copied from a real corpus.
"""

from __future__ import annotations


def bank(spec: str) -> tuple[str, ...]:
    """Split a ``|``/newline separated spec into a tuple of non-empty entries.

    Args:
        spec: Entries separated by ``|`` or newlines.

    Returns:
        The stripped, non-empty entries in order.

    Example:
        >>> bank("a|b\\n c")
        ('a', 'b', 'c')
    """
    out: list[str] = []
    for line in spec.splitlines():
        out.extend(part.strip() for part in line.split("|"))
    return tuple(p for p in out if p)


# ---------------------------------------------------------------------------------------
# Slot vocabularies
# ---------------------------------------------------------------------------------------
SLOTS: dict[str, tuple[str, ...]] = {
    "product": bank(
        """
        衣服|裙子|连衣裙|半身裙|外套|羽绒服|卫衣|毛衣|针织衫|T恤|衬衫|裤子|牛仔裤|阔腿裤|打底裤
        西装|风衣|大衣|马甲|睡衣|内衣|袜子|帽子|围巾|包包|双肩包|钱包|鞋子|运动鞋|小白鞋|靴子
        拖鞋|口红|唇釉|粉底液|气垫|眼影|睫毛膏|面膜|精华|面霜|水乳|洗面奶|防晒|卸妆油|香水
        洗发水|沐浴露|牙膏|纸巾|洗衣液|四件套|被子|枕头|凉席|锅|炒锅|保温杯|水杯|碗|筷子
        零食|坚果|牛肉干|辣条|螺蛳粉|茶叶|咖啡|蜂蜜|燕窝|酸奶|车厘子|榴莲|芒果|大米|挂面
        手机壳|耳机|充电宝|数据线|台灯|风扇|吹风机|卷发棒|剃须刀|扫地机|空气炸锅|电饭煲
        项链|耳环|手链|戒指|发夹|玩具|绘本|文具|猫粮|狗粮|洗脸巾|眼镜|手表|雨伞
        """
    ),
    "color": bank(
        """
        黑色|白色|米白|奶白|杏色|卡其|咖色|焦糖色|灰色|烟灰|藏青|雾霾蓝|天蓝|宝蓝|墨绿|牛油果绿
        抹茶绿|薄荷绿|粉色|樱花粉|豆沙色|酒红|砖红|大红|姜黄|奶黄|紫色|香芋紫|橘色|银色|金色
        """
    ),
    "size": bank("S|M|L|XL|XXL|3XL|均码|大码|小码|36|37|38|39|40|41|42|160|165|170|175|180"),
    "price": bank(
        """
        9.9|19.9|29.9|39|49|59|69|79|89|99|109|129|139|159|169|199|239|299|399|499|599|699|999
        """
    ),
    "n": bank("1|2|2|3|3|4|5|6|8|10"),
    "bign": bank("两|三|四|五|好几|十几|二十多|七八"),
    "host": bank("主播|主播|姐姐|宝宝|老师|小姐姐|哥哥|老板|美女|主播姐姐|小哥哥|亲|姐妹|老铁"),
    "viewer": bank(
        """
        @小鱼儿|@阿月|@糖糖|@大橘|@Lily|@晴天|@木子|@一只猫|@老王|@开心果|@Momo|@花花
        @星星|@桃子|@小雨|@阿杰|@Coco|@小胖|@橙子|@北北|@豆豆|@七七|@Amy|@凉白开
        """
    ),
    "place": bank(
        """
        新疆|西藏|内蒙|海南|青海|甘肃|宁夏|云南|贵州|广西|黑龙江|吉林|辽宁|河北|山东|江苏|浙江
        上海|北京|广州|深圳|成都|重庆|武汉|长沙|西安|郑州|南京|杭州|福建|江西|安徽|香港|台湾
        """
    ),
    "link": bank("1|2|3|4|5|6|7|8|9|10|11|12|15|18|20|23|28|33|36|45"),
    "height": bank("150|152|155|158|160|162|163|165|167|168|170|172|175|178|180"),
    "weight": bank("80|85|88|90|95|98|100|105|110|115|120|125|130|140|150|160"),
    "days": bank("两|三|三四|五|七|十"),
    "feature": bank(
        """
        面料|材质|做工|版型|厚度|尺码|味道|保质期|成分|颜色|质感|手感|弹力|透气性|容量|续航|包装
        """
    ),
    "adj": bank(
        """
        好看|漂亮|显瘦|显白|舒服|软|有质感|高级|百搭|洋气|好用|好吃|香|划算|实惠|耐穿|保暖|透气
        """
    ),
    "emoji": bank(
        """
        😍|🥰|😘|❤️|💕|💖|👍|👏|🙏|🔥|✨|🌹|🎉|😂|🤣|😭|😅|🤔|😊|😁|💯|🙌|🤩|😳|🥺|👀|🍉|💪
        [赞]|[比心]|[666]|[玫瑰]|[爱心]|[呲牙]|[捂脸]|[流泪]|[鼓掌]|[送心]|[可爱]|[害羞]|[微笑]
        [大笑]|[思考]|[奋斗]|[加油]|[强]|[耶]|[灵机一动]|[看]|[偷笑]|[哈欠]|[抱拳]
        """
    ),
    "brand": bank("大牌|专柜|国货|原单|工厂|自家|品牌|网红|同款|明星同款"),
    "laugh": bank("哈哈|哈哈哈|哈哈哈哈|hhh|hhhh|笑死|233|嘿嘿|hiahia|xswl"),
}

# ---------------------------------------------------------------------------------------
# Genuine viewers: live-commerce intents (templates with slots)
# ---------------------------------------------------------------------------------------
GENUINE_INTENTS: dict[str, tuple[str, ...]] = {
    "price": bank(
        """
        多少钱|这个多少钱|{product}多少钱啊|{link}号多少钱|{link}号链接多少|价格呢|怎么卖|{price}吗
        {price}包邮吗|还能便宜点吗|能不能再便宜点|有优惠吗|有券吗|券在哪领|满减怎么算|两件有优惠吗
        比昨天贵了啊|昨天才{price}|别家才{price}|这价格可以|{price}还行|这个价不贵|太贵了吧
        有点贵|贵了贵了|学生党买不起|能不能便宜{n}块|价格能再美丽点吗|到手价多少|到手多少钱
        买{n}送几|第二件半价吗|拍两件多少钱|现在下单多少|活动价到几点|几点恢复原价|还有福利价吗
        {product}为啥这么贵|{price}值不值|便宜点我就拍|多少米|多钱|价格多少呀{emoji}|好贵{emoji}
        """
    ),
    "size_colour": bank(
        """
        {height}{weight}斤穿什么码|{height}/{weight}穿啥码|{weight}斤能穿吗|{size}码还有吗
        {color}还有吗|有{color}吗|{color}好看还是{color}好看|{color}显白吗|想要{color}{size}
        {size}偏大吗|偏大还是偏小|尺码标准吗|胖子能穿吗|微胖能穿吗|梨形身材能穿吗|腿粗能穿吗
        {height}穿会不会长|有没有加大码|宽松吗|修身吗|腰围多少|衣长多少|{color}是什么色号|会掉色吗
        {color}的再展示一下|转过来看看背面|能不能看下{color}|{color}上身看看|{size}和{size}差多少
        我{height}穿{size}可以吗|{size}码腰围多少|有没有小码|男生能穿吗|小孩能穿吗|老人能穿吗
        {color}和{color}哪个耐脏|浅色透不透|会不会起球|试一下{color}的|色差大吗
        """
    ),
    "shipping": bank(
        """
        什么时候发货|几天发货|发货了吗|今天拍今天发吗|{place}包邮吗|{place}能发吗|{place}几天到
        发什么快递|能发顺丰吗|偏远地区包邮吗|我{place}的能到吗|上次买的还没到|物流好慢
        {days}天了还没发货|催一下发货|预售吗|现货吗|现货还是预售|多久能到|{place}不包邮吗
        能不能发中通|昨天拍的什么时候发|可以改地址吗|下单了可以改颜色吗|运费险有吗|退货包运费吗
        七天无理由吗|能退吗|不合适能换吗|退换货方便吗|我的订单还没发|快递到哪了
        """
    ),
    "stock": bank(
        """
        还有吗|还有货吗|{color}还有吗|{size}没了|抢不到|没抢到|手慢了|没货了|补货吗|还补不补
        什么时候补货|再上点库存|库存多少|就这么点吗|一上就没了|秒没|怎么又没了|{link}号没了
        {link}号补一下|再上一波|加库存啊|还能拍吗|显示已售罄|我卡了没拍到|付款失败了|下单没反应
        """
    ),
    "comparison": bank(
        """
        和{link}号有什么区别|跟上次的{product}一样吗|和专柜的一样吗|和某宝的一样吗|跟超市的比呢
        这个和{brand}的比哪个好|{color}和{color}哪个好看|{product}和{product}选哪个|这款和去年的比呢
        比上次直播便宜吗|跟官方旗舰店一样吗|是正品吗|是不是正品|有防伪吗|跟线下店一样吗
        这个{feature}和{link}号比怎么样|哪个更{adj}|我纠结{color}还是{color}|两个都想要怎么办
        """
    ),
    "complaint": bank(
        """
        上次买的{product}质量一般|收到的和直播的不一样|色差好大|{feature}有点差|有点失望|怎么又涨价了
        客服不回消息|退款好慢|等了{days}天|发错货了|少发了一件|包装破了|有线头|有味道|掉色严重
        穿了一次就起球|尺码不准|说好的赠品呢|赠品没收到|优惠券用不了|价格保护吗|刚买就降价
        别骗人了|主播别光说不展示|能不能好好介绍|说重点|讲快点|别磨叽了|网卡了|听不清|画面卡了
        声音太小了|背景音乐太吵了|一直在讲别的|上链接啊|怎么还不上链接|等半天了
        """
    ),
    "praise": bank(
        """
        好看|真好看|{product}好好看|{color}好看|这个{color}绝了|主播好美|主播好漂亮|主播皮肤真好
        主播声音好听|主播好会讲|讲得很清楚|好喜欢|喜欢喜欢|爱了爱了|心动了|太{adj}了|好{adj}啊
        {product}质量不错|上次买的很好穿|上次买的很好用|回购了|第{n}次回购了|已经买了{n}个了
        推荐给朋友了|我妈也说好看|我老公说好看|收到了很满意|物流很快|包装很用心|性价比很高
        {feature}不错|看着就{adj}|这个可以|这个不错|质量很好|挺好的|还可以|真的{adj}
        主播身材好好|主播穿什么都好看|想要同款|一眼就看中了|{color}好显白|{product}太可爱了
        """
    ),
    "greeting": bank(
        """
        来了|我来了|来啦|打卡|报到|晚上好|大家好|{host}晚上好|{host}好|又见面了|今天来晚了
        刚下班就来了|下班来看{host}|每天都来|又来了|签到|我来啦{emoji}|新人报道|第一次来
        刚进来|刚来错过什么了|{host}今天好美|今天播到几点|今天上什么|今天有福利吗|我回来了
        晚安|下次见|明天还播吗|先撤了|去睡了|明天见|{host}辛苦了|早点休息|拜拜|88
        """
    ),
    "chitchat": bank(
        """
        {laugh}|{laugh}{emoji}|主播今天好开心|这背景好好看|主播换发型了|主播瘦了|{host}吃饭了吗
        今天好冷|今天好热|{place}下雨了|{place}的家人们好|有没有{place}的|我是{place}的|同城吗
        孩子睡了来看直播|在上班偷偷看|摸鱼中|刚洗完澡|在地铁上|刚吃完饭|好困|失眠了|明天上班
        主播是哪里人|主播多高|主播多重|主播口红什么色号|主播耳环好看|这个音乐叫什么|狗狗好可爱
        后面那个是谁|助理好可爱|今天人好多|人好多啊|好热闹|第一次抢到|终于抢到了|开心{emoji}
        {laugh}主播好搞笑|笑死我了|太真实了|确实|是的|对对对|真的假的|不会吧|好家伙|绝绝子
        yyds|u1s1确实好看|冲冲冲|蹲一个|蹲|mark|+1|同问|我也想知道|一样一样
        """
    ),
    "question_host": bank(
        """
        {host}{height}多少斤|{host}穿的什么码|{host}穿的{color}吗|{host}今天口红什么色号
        {host}{product}是哪个链接|{host}身上那件几号|{host}头上的发夹有卖吗|{host}手上戴的有链接吗
        能试一下{link}号吗|试一下{size}码|试穿一下|看看细节|拉近看看|看看{feature}|能摸一下吗
        再讲讲{link}号|{link}号再讲一下|{link}号上身看看|背面看看|下一个什么|后面还有{product}吗
        {host}推荐哪个颜色|{host}平时用哪个|{host}自己用吗|孕妇能用吗|敏感肌能用吗|油皮能用吗
        干皮能用吗|过敏怎么办|多大能吃|保质期多久|一天吃几次|怎么洗|能机洗吗|需要熨吗
        {host}看看我|{host}回答一下|{host}能回复我吗|{host}看评论|刚问的没人回|怎么不回我
        """
    ),
    "reply_viewer": bank(
        """
        {viewer} 我买过挺好的|{viewer} 我拍的{size}刚好|{viewer} 偏大一码|{viewer} 选{color}
        {viewer} 在{link}号|{viewer} 点购物车|{viewer} 右下角小黄车|{viewer} 去粉丝群领券
        {viewer} 同问|{viewer} 我也是|{viewer} {laugh}|{viewer} 正品放心|{viewer} 我{place}的两天到
        {viewer} 不贵了|{viewer} 等补货|{viewer} 福袋在左上角|{viewer} 先点关注|{viewer} 你也来了
        {viewer} 我也觉得|{viewer} 是的|{viewer} 不是|{viewer} 问客服|{viewer} 已经发了
        """
    ),
    "testimony": bank(
        """
        上次买的{product}穿了一个月了没起球|上次在你家买的{product}很好用|我妈说上次的{product}很舒服
        去年买的{product}现在还在穿|买过{n}次了还不错|{product}收到了，{feature}还行|闭眼入过一次没踩雷
        之前买的{color}那件挺显白的|上回的{product}有点小瑕疵但客服给退了|给孩子买的{product}很喜欢
        上次拍的{size}码刚好|{product}我回购了，家人们可以冲|用了{days}天感觉还可以|收到货比图片好看
        我老公穿了说很舒服|同事问我链接|这家{product}确实不错|说实话{feature}一般般|{product}味道还行
        老粉了，东西一直挺好|去年双十一买的还在用|我买的{color}洗了几次没掉色|这个我有，真的好用
        宝藏主播，买了好多次|性价比可以的|这价格闭眼入|冲了冲了|yyds真的|爱了爱了家人们
        """
    ),
    "generic": bank(
        """
        666|6666|好看|好看好看|来了|1|11|要|想要|冲|买|已拍|拍了|抢到了|好|嗯嗯|哈哈|哈哈哈|好的
        主播好美|支持|支持主播|加油|{emoji}|{emoji}{emoji}|赞|牛|厉害|可以|不错|喜欢|爱了|绝了
        上链接|链接|求链接|等|蹲|+1|同|对|真的|啊啊啊|哇|哇塞|好家伙|我的天|天呐|可爱|美
        """
    ),
}

# Relative weights of genuine intents in ordinary chat.
GENUINE_INTENT_WEIGHTS: dict[str, float] = {
    "price": 1.3,
    "size_colour": 1.2,
    "shipping": 0.8,
    "stock": 0.7,
    "comparison": 0.5,
    "complaint": 0.6,
    "praise": 1.3,
    "greeting": 0.9,
    "chitchat": 1.2,
    "question_host": 1.1,
    "reply_viewer": 0.5,
    "generic": 1.6,
    "testimony": 0.7,
}

# Organic flood lines by host-event kind (humans vary how they type the same thing).
FLOOD_LINES: dict[str, tuple[str, ...]] = {
    "coupon": bank(
        "1|1|1|1|11|111|1111|11111|扣1|扣1|扣1扣1|1了|已扣1|１|1[比心]|1{emoji}|111111|一|扣1领券|要券"
    ),
    "price_reveal": bank(
        "要|要|要要要|我要|想要|要！|要一个|冲|冲冲冲|买买买|+1|666|6666|便宜|划算|好便宜|要{emoji}|拍"
    ),
    "opening": bank(
        "来了|来了|来啦|来了来了|我来了|来咯|打卡|报到|来了姐姐|来了{emoji}|来了宝|晚上好|来啦来啦|到"
    ),
    "closing": bank(
        "晚安|晚安|晚安~|晚安主播|晚安{host}|88|拜拜|明天见|晚安晚安|拜拜{emoji}|晚安{emoji}|辛苦了|下次见"
    ),
    "product_intro": bank(
        "好看|好看|好好看|好看啊|好看！！|绝了|美|好美|好看{emoji}|爱了|哇|哇塞|喜欢|666|{color}好看"
    ),
    "flash_sale": bank(
        "抢到了|抢到了|没抢到|已拍|拍了|已拍{n}件|抢到了{emoji}|没了？|手慢了|666|冲|上链接|已拍已拍"
    ),
    "lucky_draw": (),  # the host's password phrase, typed as is (see LUCKY_DRAW_PASSWORDS)
}

# Lucky-draw ("福袋") passwords: every participant types the same phrase on purpose.
LUCKY_DRAW_PASSWORDS: tuple[str, ...] = bank(
    """
    主播好美衣服好看|关注主播不迷路|好物推荐给大家|支持主播越来越好|宝藏主播天天开心|家人们冲冲冲
    主播人美心善|好货不贵就在这里|点赞关注加灯牌|感谢主播的福利|今天的福利真好|姐姐好美我爱了
    """
)

# ---------------------------------------------------------------------------------------
# Light genuine noise: slang, typos, mixed Latin
# ---------------------------------------------------------------------------------------
TYPO_SWAPS: tuple[tuple[str, str], ...] = (
    ("的", "滴"),
    ("的", "得"),
    ("在", "再"),
    ("什么", "啥"),
    ("什么", "神马"),
    ("怎么", "咋"),
    ("这样", "酱"),
    ("喜欢", "稀饭"),
    ("没有", "木有"),
    ("是不是", "是8是"),
    ("好看", "好康"),
    ("你", "尼"),
    ("了", "惹"),
    ("吗", "嘛"),
    ("吗", "么"),
    ("有", "又"),
    ("觉得", "绝得"),
    ("多少", "多少钱"),
    ("主播", "zb"),
    ("宝宝", "bb"),
    ("可以", "ok"),
    ("尺码", "size"),
    ("不错", "nice"),
    ("谢谢", "3q"),
    ("真的", "zd"),
    ("姐姐", "jj"),
    ("哈哈", "hhh"),
    ("喜欢", "like"),
)
TAILS: tuple[str, ...] = bank("啊|呀|呢|哈|嘛|~|！|!!|？|??|。。。|...|啦|哦|😂|😭|[捂脸]|👍|❤️|吧")

# ---------------------------------------------------------------------------------------
# Bot campaigns
# ---------------------------------------------------------------------------------------
BOT_TEMPLATES: tuple[str, ...] = bank(
    """
    主播好美{emoji}|主播好美{emoji}{emoji}|主播太美了{emoji}|已拍{n}单质量很好|已拍{n}单，质量很好
    已经拍了{n}件了{emoji}|回购{n}次了，质量杠杠的|{product}质量很好{emoji}|{product}收到了，很满意
    {product}超级好用{emoji}|{color}绝美{emoji}|{color}超好看|{color}的太好看了吧|已下单{emoji}
    家人们冲{emoji}|家人们快冲|赶紧拍{emoji}|这个价格太划算了{emoji}|{price}真的太值了|{price}闭眼入
    {product}闭眼入{emoji}|主播推荐的都好用|主播推荐的都不踩雷|一直在主播家买|老粉了，放心买
    支持主播{emoji}|支持主播越来越好|主播人美心善|主播声音好好听{emoji}|主播好有气质
    买了{n}个送朋友|给我妈也买了{n}件|全家都在用|{feature}没得说|{feature}真的好|好评{emoji}
    五星好评{emoji}|必须好评|物流超快，{days}天就到了|包装很精致{emoji}|客服态度很好
    {product}性价比超高|这个{product}绝了|真的是宝藏主播|宝藏{product}|{product}yyds{emoji}
    主播yyds|好物推荐{emoji}|强烈推荐{emoji}|无限回购|买它买它{emoji}|冲冲冲{emoji}|666{emoji}
    真的好看{emoji}|太好看了{emoji}|爱了爱了{emoji}|{adj}{emoji}|超{adj}的{emoji}|真的很{adj}
    """
)

COPY_FLOOD_LINES: tuple[str, ...] = bank(
    """
    主播太美了，衣服质量超好！|刚收到货，质量杠杠的|已下单，家人们冲|这个价格太划算了吧
    主播人美心善，东西也好|买过好几次了，一直很满意|质量真的没话说，放心买|全网最低价了，赶紧拍
    宝藏主播，关注了|这个颜色太显白了|闭眼入不踩雷|家人们信我，真的好用|收到货了，比想象的还好
    老粉回购，值得信赖|主播讲得太好了，已拍|给家里人都买了一份|今天的福利太给力了|错过等一年
    支持主播，越来越好|东西好价格实惠，必须支持|好评如潮，名不虚传|这么便宜还包邮，良心主播
    666|6666|好看|主播好美|来了|1|扣1|要|冲冲冲|已拍
    """
)

PARAPHRASE_PARTS: dict[str, tuple[str, ...]] = {
    "opener": bank(
        """
        说实话|讲真|不得不说|真心觉得|老实讲|我跟你们说|真的|家人们|姐妹们|说句公道话|用了一段时间
        收到好几天了|第一次在直播间买|朋友推荐来的|蹲了好久|犹豫了很久|本来不抱希望|没想到|说真的
        我必须夸一下|作为老顾客|作为一个挑剔的人|我妈用了都说|前两天刚收到|刚拆开快递|平时很少评论
        """
    ),
    "subject": bank(
        """
        这款{product}|这个{product}|{link}号{product}|主播家的{product}|上次拍的{product}|这家的东西
        主播推荐的{product}|这个{color}的|这次的{product}|直播间的{product}|这件|这个价位的{product}
        """
    ),
    "claim": bank(
        """
        {feature}真的没得挑|{feature}比我想的好太多|{feature}很扎实|做工挺精细的|上身效果很惊艳|颜色很正
        跟图片一模一样|完全没有色差|一点异味都没有|质感超出预期|性价比高到离谱|比实体店强多了|很对得起这个价
        穿着特别舒服|用起来很顺手|味道刚刚好|分量很足|细节处理得很好|版型很正|线头都没有|比专柜的还好
        回头率很高|同事都问链接|洗了几次也没变形|用完皮肤很舒服|家里老人孩子都喜欢|朋友看了也想买
        """
    ),
    "cta": bank(
        """
        放心冲|可以入|值得买|建议囤几件|犹豫的姐妹赶紧下手|手慢无|不买会后悔|推荐给大家|真心推荐
        还会再回购|已经推荐给朋友|闭眼拍就对了|趁活动赶紧拍|这个价格别错过|再拍{n}件|支持主播
        """
    ),
    "ending": bank("|！|!|～|。|~|！！|。。|{emoji}|{emoji}{emoji}|👍|[赞]|❤️|💯|…"),
}
PARAPHRASE_SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("真的", "确实", "真心", "实在", "是真的"),
    ("很", "挺", "特别", "超", "非常", "蛮", "相当"),
    ("很好", "挺好", "不错", "很棒", "蛮好"),
    ("便宜", "实惠", "划算", "超值"),
    ("喜欢", "爱", "中意", "心水"),
    ("买", "拍", "入", "下单"),
    ("质量", "品质", "做工"),
    ("朋友", "闺蜜", "同事", "姐妹"),
    ("推荐", "安利", "种草"),
    ("舒服", "舒适", "自在"),
)
PARAPHRASE_SHAPES: tuple[tuple[str, ...], ...] = (
    ("opener", "subject", "claim", "cta", "ending"),
    ("subject", "claim", "cta", "ending"),
    ("opener", "claim", "ending"),
    ("subject", "claim", "claim", "ending"),
    ("opener", "subject", "claim", "ending"),
    ("claim", "cta", "ending"),
    ("subject", "claim", "ending"),
    ("opener", "cta", "ending"),
)
PARAPHRASE_JOINERS: tuple[str, ...] = ("，", "，", "，", " ", "", "、", "。", "! ", "～")

SPAM_TEMPLATES: tuple[str, ...] = bank(
    """
    {contact_word}{contact}领福利|想要同款的{contact_word}{contact}|低价货源{contact_word}{contact}
    兼职日结，{contact_word}{contact}|在家就能赚钱，{contact_word}{contact}|寂寞吗？{contact_word}{contact}
    同城约，{contact_word}{contact}|看我主页有惊喜|主页有福利{emoji}|私我看视频|点我头像有你想要的
    工厂直发，比直播间便宜一半，{contact_word}{contact}|代购一手货源{contact_word}{contact}
    刷单返利，{contact_word}{contact}|免费领{product}，{contact_word}{contact}|美女在线{contact_word}{contact}
    {contact_word}{contact}，备注直播|涨粉点赞，{contact_word}{contact}|出售直播间人气，{contact_word}{contact}
    需要的宝子{contact_word}{contact}|{product}批发价，{contact_word}{contact}|福利群{contact_word}{contact}
    小姐姐陪聊{contact_word}{contact}|同款更便宜{contact}|私信我拿内部价|{contact_word}：{contact}
    """
)
CONTACT_WORDS: tuple[str, ...] = bank(
    "加V❤|+V|加薇|威信|vx|VX:|薇信|V❤|扣扣|球球|企鹅|QQ|Q|加我|私聊|联系|啰妹扣号|看简介|📞|☎️"
)

SCRIPT_POOL_LINES: tuple[str, ...] = bank(
    """
    初見です|はじめまして|こんばんは|こんにちは|よろしくお願いします|配信お疲れ様です|応援してます
    かわいい|今日も頑張ってください|日本から来ました|いつも見てます|ファンになりました|大好きです
    hello from japan|first time here|nice stream|love you|so cute|good evening|hi everyone
    안녕하세요|처음 왔어요|응원합니다|너무 귀여워요
    {host}好|{host}晚上好|来了来了|第一次来，关注了|{host}太可爱了|支持{host}|{host}加油
    路过支持一下|新人报到|打卡|每天都来|{host}人美心善|关注了，常来|好喜欢{host}
    """
)
"""Lines of script-account pools (made up): foreign greetings and self-introductions, praise."""

"""Character sets for building ordinary Chinese comments in tests."""

# Common simplified characters and the punctuation ordinary comments use; sentences
# built from them must come out unchanged apart from documented folding.
COMMON_CHARS = (
    "的是不了人我在有他这为之大来以个中上们到说国和地也子时道出而要于就下得可你年生自会那后能对"
    "着事其里所去行过家用发天如然作方成者多日都小军无同么经法当起与好看学进种将还分此心前面又定见"
    "只主没公从播今真美帅哈嘿呀啦吧吗呢哦嗯喜欢漂亮厉害支持关注点赞礼物开心快乐谢谢晚安"
)
PUNCT = "，。！？"

"""Word lists and patterns for text-level residue: data only, logic in :mod:`pipelines.strip`.

Every line pattern is anchored to a whole line (a paragraph of the extracted
text), so a sentence that merely mentions Facebook or a source never matches.
"""

from __future__ import annotations

import re

from pipelines.models import StripCategory

_I = re.IGNORECASE

# Inline ad shortcodes left by auto-blogging plugins: [ad_1], [ad_2], [adsense], [ads id=3].
AD_SHORTCODE = re.compile(
    r"\[\s*/?\s*(?:ad(?:[_-]?\d+)?|ads(?:ense)?|adv(?:ert(?:isement)?)?|advert|banner(?:[_-]?\d+)?|"
    r"adrotate[^\]]*|ad[_-]?code[^\]]*|ad[_-]?slot[^\]]*|google[_-]?ads?[^\]]*|ads?\s+[^\]]*)\s*\]",
    _I,
)

# Unrendered CMS shortcodes around a whole line: "[button link=...]Send us yours[/button]".
# Only media/button codes: page-builder wrappers ([vc_column_text]...) hold real text.
SHORTCODE_LINE = re.compile(
    r"^\[(caption|button|gallery|embed|video|audio|playlist|su_button|wp_caption)\b[^\]]*\].*\[/\1\]$", _I
)
# Page-builder and WordPress shortcode tags left inline; their inner text stays.
SHORTCODE_TAG = re.compile(
    r"\[/?(?:vc_|et_pb_|fusion_|su_|caption|gallery|embed|button|video|audio|playlist)[\w-]*(?:\s[^\]]*)?\]", _I
)

# Share-bar vocabulary: a line made only of these words is a share bar.
SOCIAL_NETWORKS: frozenset[str] = frozenset(
    {
        "facebook", "twitter", "x", "linkedin", "whatsapp", "pinterest", "reddit", "tumblr", "telegram",
        "messenger", "flipboard", "pocket", "vk", "xing", "mix", "digg", "stumbleupon", "google+",
        "googleplus", "line", "viber", "snapchat", "instagram", "youtube", "threads", "bluesky", "mastodon",
        "weibo", "wechat", "skype", "sms", "email", "e-mail", "mail", "print", "copy",
    }
)  # fmt: skip
SHARE_FILLER: frozenset[str] = frozenset(
    {
        "share", "shares", "shared", "sharing", "tweet", "pin", "it", "this", "on", "via", "by", "to", "the",
        "article", "story", "post", "page", "link", "copied", "url", "click", "opens", "in", "new", "window",
        "and", "or", "follow", "us", "save", "like", "send", "comments", "comment", "0", "more",
    }
)  # fmt: skip
SHARE_TOKEN = re.compile(r"[\w+@.-]+")
SHARE_LINE_MAX_CHARS = 160
MIN_NETWORKS_ON_LINE = 2  # "Facebook Twitter" is a bar; "Facebook" alone needs a neighbour

# Whole-line patterns: (category, longest line that may match, words one of which the
# lower-cased line must contain before the regex is tried (none: always try), pattern).
LINE_PATTERNS: tuple[tuple[StripCategory, int, tuple[str, ...], re.Pattern[str]], ...] = (
    ("ad_slot", 80, (), re.compile(
        r"^(?:advertisement|advertising|advertisment|sponsored(?: content)?|ad|ads|anzeige|publicidad|"
        r"publicité|pubblicità|reklama|iklan|advert|story continues below(?: this)? advertisement|"
        r"skip advertisement|continue reading (?:the main story|below)|scroll to continue with content)"
        r"\s*[:.!]?$", _I)),
    ("text_residue", 200, (), re.compile(
        r"^(?:source link|source url|original source|read more at\b.*|read more on\b.*|"
        r"read the (?:full|original|rest of the) (?:story|article|post)\b.*|continue reading\b.*|"
        r"click here to read more\b.*|read more\s*[.»›>…]*|"
        r"the post\b.{3,150}\bappeared first on\b.*|this (?:article|story|post) (?:was )?(?:originally|first) "
        r"(?:appeared|published|posted) (?:on|at|in)\b.*|view (?:the )?original (?:article|post)\b.*)$", _I)),
    # Interface labels and counters: "Comments", "12 comments", "Tags", "Text size", "Image 2 of 5".
    ("text_residue", 40, (), re.compile(
        r"^(?:\d+\s+)?(?:comments?|tags|topics|text size|font size|print|more|filed under|"
        r"(?:image|photo|picture|slide)s?)\s*(?:\(\d+\))?\s*[:|]?$|"
        r"^(?:(?:image|photo|picture|slide)\s+)?\d+\s*(?:of|/)\s*\d+$", _I)),
    # A dateline standing alone: "November 15, 2019", "05/10/2018 11:28", "Updated at 1:23 p.m.".
    ("text_residue", 60, (), re.compile(
        r"^(?:(?:posted|published|updated|last updated)(?: on| at)?:?\s+)?"
        r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
        r"(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}|"
        r"\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+\d{4}|"
        r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4})"
        r"(?:,?\s*(?:-|at|\|)?\s*\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s+[a-z]{2,4})?)?$",
        _I)),
    ("text_residue", 80, (), re.compile(r"^(?:posted|published|written|updated)(?: on| by| at)\b.{0,60}$", _I)),
    # Contributor credits: "Reporting by ...; editing by ...", "Jane Doe contributed to this report."
    ("text_residue", 300, ("reporting", "writing", "editing", "compiled", "research", "contributed"), re.compile(
        r"^\(?(?:additional )?(?:reporting|writing|editing|compiled|research) by\b.*$|"
        r"^.{0,200}\bcontributed (?:reporting|to this (?:report|story|article))\b.{0,60}$", _I)),
    # Contact and follow lines: a bare address or handle, "Follow her on Twitter @x".
    ("share_bar", 250, (), re.compile(
        r"^(?:[\w.+-]+@[\w-]+\.[\w.]+|(?:https?://|www\.)\S+|(?:twitter|facebook|instagram)\.com/\S+|@\w+)$|"
        r"^(?:email\b.{0,80}\bor )?follow (?:him|her|them|us|me|@\w+)\b.{0,40}\b(?:on )?"
        r"(?:twitter|facebook|instagram|linkedin|threads|bluesky|x)\b.*$|"
        r"^like this (?:story|article|post)\?.{0,80}$", _I)),
    # A post-meta line: two or more "Label: value" fields ("Posted by: X - Category: Y - Tags: z").
    ("text_residue", 250, (":",), re.compile(
        r"^(?:.{0,80}?\b(?:posted(?: by| on)?|published(?: by| on)?|publicado(?: por| em)?|category|categories|"
        r"categoria|categoría|tags?|filed under|author|autor|written by)\s*:.*){2,}(?<![.!?])$", _I)),
    # Script-only widgets that render a notice without JavaScript.
    ("text_residue", 120, ("javascript",), re.compile(
        r"^(?:this (?:slideshow|gallery|video|content|feature|page|embed) requires javascript|"
        r"(?:please )?enable javascript\b.*|javascript (?:is )?(?:disabled|required)\b.*|"
        r"you need to (?:enable|turn on) javascript\b.*)\W*$", _I)),
    # Invitations to the comment section.
    ("comments", 80, (), re.compile(
        r"^(?:tell us what you think|leave a (?:comment|reply)|join the (?:discussion|conversation)|"
        r"have your say|what do you think|post a comment|add (?:a|your) comment|comments are closed)\W*$", _I)),
    # Photo credits left by captions: "Jane Doe | Bloomberg | Getty Images", "Photo: AP".
    ("text_residue", 120, (
        "photo", "image", "picture", "video", "credit", "foto", "getty", "shutterstock", "istock", "reuters/",
        "epa-efe", "alamy", "imago",
    ), re.compile(
        r"^(?:(?:photo|image|picture|photograph|video|credit|foto)s?(?: by| credit)?\s*:.*|"
        r".*\b(?:getty images|shutterstock|ap photo|istock(?:photo)?|afp via getty images|"
        r"reuters/[\w .]+|epa-efe|alamy|imago)\)?)$", _I)),
    # Prompts speak to the reader and quote nobody: a quotation mark means reporting, not a prompt.
    ("cookie_banner", 400, ("cookie", "agree", "consent", "accept"), re.compile(
        r"^(?!.*[“”\"])(?:.*\bwe use cookies\b|.*\bthis (?:web)?site uses cookies\b|"
        r".*\baccept (?:all )?cookies\b|"
        r".*\bcookie (?:policy|settings|preferences|consent)\b.*\b(?:accept|agree|consent|continu)|"
        r".*\bby (?:continuing to )?(?:use|using|browse|browsing) (?:this|our) (?:site|website)\b"
        r".*\b(?:agree|accept|consent|cookies)\b)",
        _I)),
    ("newsletter_box", 300, ("newsletter", "mail", "inbox", "bulletin", "briefing", "digest"), re.compile(
        r"^(?!.*[“”\"])(?:"
        r"(?:.*[.!?]\s+)?(?:sign up|subscribe) (?:now |today |here )?(?:for|to) (?:our|the|my)?\s*(?:[\w'+-]+\s+){0,4}"
        r"(?:newsletters?|e-?mails?|bulletin|briefing|digest|today)\b|"
        r".*\benter your e-?mail(?: address)?\b|.*\bdelivered (?:straight |directly |right )?to your inbox\b|"
        r"(?:join|get) (?:our|the) (?:[\w'+-]+\s+){0,4}(?:mailing list|e-?mail list|newsletters?)\b|"
        r"newsletters?\s*[:.!]?$)", _I)),
)  # fmt: skip

# A heading that opens a tail of teaser links ("Related posts", "More to explore").
RELATED_HEADING = re.compile(
    r"^(?:related(?: posts?| articles?| stories| news| content| reading| links| coverage| topics)?|"
    r"more to explore|more (?:stories|news|articles) (?:from|on|like this)\b.*|more from\b.{0,60}|"
    r"you (?:may|might) (?:also )?(?:like|enjoy|be interested in)|(?:also|further) read(?:ing)?|"
    r"read (?:next|also)|recommended(?: for you| stories| articles| reading)?|"
    r"trending(?: now| stories)?|most (?:read|popular|viewed)|what to read next|"
    r"don'?t miss|see also|popular (?:posts|stories)|latest (?:news|stories|posts)|popular on\b.{1,40}|"
    r"more great\b.{1,40}\bstories|"
    # German, French, Spanish, Portuguese, Italian: the same boxes' headings.
    r"(?:lesen sie|lies) (?:auch|mehr|weiter)|auch interessant|das könnte (?:dich|sie) (?:auch )?interessieren|"
    r"mehr zum thema(?:\s.{1,40})?|mehr (?:aus|von|zu)\b.{1,40}|weitere (?:artikel|beiträge|meldungen|nachrichten)"
    r"(?:\s.{1,40})?|ähnliche (?:artikel|beiträge)|verwandte (?:artikel|themen)|meistgelesene?(?: artikel)?|"
    r"meistdiskutierte?(?: artikel)?|schon gelesen|empfehlungen der redaktion|die redaktion empfiehlt|"
    r"(?:à|a) lire (?:aussi|également)|lire aussi|sur le même sujet|articles? (?:les plus lus|similaires|liés)|"
    r"(?:les )?plus lus|vous aimerez aussi|"
    r"(?:lee|lea|vea) también|(?:te|le) puede interesar|(?:noticias|artículos) relacionad[oa]s|"
    r"más noticias|lo más leído|"
    r"(?:veja|leia) também|mais lidas|leggi anche|potrebbe interessarti)\s*[:.!?]?$",
    _I,
)
# Same opener followed by one inline teaser on the line: "Related: Fed holds rates".
RELATED_INLINE = re.compile(
    r"^(?:related|read more|also read|read also|see also|more|recommended|"
    r"lesen sie (?:auch|mehr)|lies auch|siehe auch|auch interessant|mehr zum thema|"
    r"(?:à )?lire aussi|voir aussi|(?:lea|lee|vea|ver)(?: también| más)?|(?:te|le) puede interesar|"
    r"(?:leia|veja)(?: também| mais)?|leggi anche)\s*:\s*\S.{0,140}$",
    _I,
)
TEASER_MAX_CHARS = 160  # lines after a related heading this short are teasers
TAIL_MAX_SHARE = 0.5  # a related tail may not start before this share of the text
TAIL_MAX_SENTENCE_SHARE = 0.34  # teaser lines are headlines: few end like sentences
SENTENCE_END = re.compile(r"[.!?…。]['\"”’»)]*$")

# Where a page title hands over to the site name: "Headline | The Daily Planet".
TITLE_SEPARATORS: tuple[str, ...] = (" | ", " - ", " – ", " — ", " :: ", " · ")

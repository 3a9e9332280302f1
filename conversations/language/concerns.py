"""How people tell the bot something is wrong, in their own words.

Nobody types "raise a concern: partner not responding". They say "tom hasnt replied in 3 wks",
"we had a proper falling out", "could i be moved to a different mentor?", "feeling burnt out",
"urgent!!". This module reads the KIND of thing said (``kind``), on the normalised text, so
missing apostrophes and shorthand don't matter. The concern dialog and the intents both ask it;
neither keeps a word list of its own.

Safety itself (harm, safeguarding, self-harm) is read by ``conversations.safety`` and
``conversations.self_harm``, which stay the authority: this module only adds the everyday ways
of saying a worry that those detectors are not meant to catch.
"""

from __future__ import annotations

import re
from enum import StrEnum

from conversations.language.normalise import normalise


class Kind(StrEnum):
    """What a worry is about (the values are the concern dialog's categories)."""

    BREAKDOWN = "relationship_breakdown"
    REMATCH = "rematch"  # a new mentor wanted: stored as a breakdown, the pairing kept
    NOT_RESPONDING = "not_responding"
    CIRCUMSTANCES = "circumstances"
    DIFFICULTY = "relationship_difficulty"
    WELLBEING = "wellbeing"  # the person's own wellbeing: signposted, offered to the lead
    SAFETY = "safety"  # patient safety, fitness to practise said in everyday words


_PARTNER = r"(?:him|her|them|my (?:mentor|mentee)|[a-z]+)"
# A partner not engaging, said every everyday way: messages ignored or left unanswered, silence,
# out of reach, sessions skipped or cancelled again and again ("ignores my msgs", "radio silence
# from nadia", "cant get hold of him", "no-showed twice", "didnt turn up to our last 2 sessions").
_MESSAGES = r"(?:messages?|msgs?|emails?|e-mails?|texts?|calls?|invites?|requests?|dms?|whatsapps?)"
_SESSIONS = r"(?:meetings?|calls?|sessions?|catch[- ]?ups?|1:1s?|one[- ]to[- ]ones?|appointments?)"
_REPEATED = (
    r"(?:twice|again|repeatedly|(?:\d+|two|three|four|several|many) times|every time|each time)"
)
_SILENT_PARTNER = (
    # "hasnt been responding", "isnt engaging at all", "chased him for weeks, no joy"
    r"\b(?:hasn't|haven't|has not|have not|not)\s+been\s+(?:replying|responding|answering|in touch"
    r"|getting back|engaging)\b|\b(?:isn't|is not|aren't|not|never|stopped|barely|hardly)\s+"
    r"(?:\w+\s+)?engag(?:ing|ed)(?:\s+(?:at all|with me|with (?:the|our|my) (?:mentoring|scheme|"
    r"sessions|meetings|pairing))|$)|\bdisengaged\b|\bchas\w*\b.{0,40}\b(?:no luck|no joy|to no "
    r"avail|nothing back|no answer|no response)\b|"
    r"\bignor\w*\s+(?:me\b|(?:(?:all|every|each|any)(?: one)? of )?(?:my|every|all|any|each|our)"
    r"\s+(?:\w+\s+)?" + _MESSAGES + r")"
    r"|\bblank(?:s|ed|ing)\s+(?:me|my)\b|\b(?:left|leaving|leaves|leave)\s+me\s+on\s+read\b"
    r"|\b(?:never|won't|doesn't|don't|didn't|does not|did not|will not|barely|hardly ever|rarely)"
    r"\s+(?:\w+\s+)?(?:reply|replies|respond|responds|answer|answers|get back|gets back|pick up|"
    r"picks up)\s+(?:to\s+)?(?:me\b|my\b|any|anything|emails?|messages?|msgs|texts?|calls?"
    r"|(?:\w+\s+)?(?:anymore|any more)\b)"
    r"|\b(?:radio|total|complete|utter|dead|stony|deafening)\s+silence\b|\bsilence (?:from|since)\b"
    r"|\bsilent treatment\b|\bgone (?:\w+ )?(?:silent|awol|mia|dark|off the radar)\b"
    r"|\b(?:he's|she's|hes|shes|they've|theyve|he has|she has|they have)\s+(?:\w+\s+)?gone\s+(?:\w+\s+)?quiet\b"
    r"|\bgone (?:\w+ )?quiet on (?:me|us)\b"
    r"|\b(?:heard|had|got|received)\s+(?:absolutely\s+)?nothing\s+(?:back\s+)?(?:from|since)\b"
    r"|\bno word (?:from|since)\b|\bnot a (?:word|peep|squeak|sausage) from\b"
    # "nothing from nadia since launch", "still zilch from him in weeks": silence said without a
    # verb (not "nothing from the lead", "nothing from me").
    r"|\b(?:nothing|zilch|zip|nada|not a thing|not a dickie bird)\s+(?:at all\s+|back\s+|yet\s+)?"
    r"(?:from|off)\s+(?!(?:the|you|me|us|it|that|this)\b)" + _PARTNER + r"\s+(?:since|for|in|all|"
    r"at all|despite|after)\b"
    r"|\bno (?:contact|communication)\s+(?:with \w+\s+|from \w+\s+)?(?:since|for|at all|whatsoever"
    r"|in)\b|\bno (?:contact|communication) (?:from|with) (?:him|her|them|my (?:mentor|mentee))\b"
    r"|\b(?:can't|cannot|couldn't|can not|unable to|not able to|been able to|failed to|struggling"
    r" to)\s+(?:seem to\s+|even\s+|manage to\s+|ever\s+)?(?:get hold of|reach|get through to|get in touch with|track down|pin down)\s+"
    + _PARTNER
    + r"\b"
    r"|\b(?:missed|skipped|cancell?ed|dodged|blew off|bailed on|no[- ]?show(?:ed)?\s+(?:to|for|at)"
    r"|(?:didn't|did not|never|failed to|doesn't|does not|won't)\s+(?:show|turn|come|attend)(?:s|ed)?"
    r"(?:\s+up)?(?:\s+(?:to|for|at))?)"
    r"\s+(?:our|the|my|both|all|either|any|two|2|three|3|every|each)\s+(?:of\s+(?:our|the|my)\s+)?"
    r"(?:(?:last|previous|past|recent|two|2|three|3|few|couple of|several)\s+){0,2}"
    r"(?:meetings|calls|sessions|catch[- ]?ups|1:1s|one[- ]to[- ]ones|appointments)\b"
    r"|\b(?:no[- ]?show\w*|stood (?:me|us) up|didn't (?:show|turn up)|did not (?:show|turn up)"
    r"|cancell?(?:ed|ing) (?:on )?(?:me|us|our \w+|"
    + _SESSIONS
    + r"))\b.{0,30}"
    + _REPEATED
    + r"\b|\bkeeps? (?:no[- ]?showing|missing|skipping|standing (?:me|us) up|not (?:showing|turning)"
    r" up)\b"
)

# Wanting out of the pairing ("want out of this pairing", "pull out of the scheme", "call it a
# day"), or a row that ends it ("had a massive row with him", "cant see me working with him").
_WANTS_OUT = (
    r"|\b(?:stop|end|quit) (?:being mentored by|mentoring|working with|meeting with) "
    + _PARTNER
    + r"\b"
    r"|\bwant(?:s|ed)? out of (?:this|the|our|my)\b|\b(?:pull|drop|opt|bow|back|step)(?:ing|ed)? "
    r"(?:out|back) (?:of|from) (?:this|the|our|my) (?:pairing|mentoring|scheme|programme|partnership"
    r"|relationship)\b|\bcall(?:ing)? it (?:a day|quits)\b|\b(?:done|finished) with (?:this|the|"
    r"our|my) (?:pairing|mentoring|mentor|mentee|partnership)\b|\b(?:withdraw|resign)(?:ing)? from "
    r"(?:this|the|our|my) (?:pairing|mentoring|scheme|programme)\b|\bcan't see (?:me|myself|us) "
    r"(?:working|carrying on|continuing|going on) (?:with|together)\b|\b(?:massive|big|huge|proper"
    r"|blazing|bad|serious|almighty|nasty) (?:row|argument|bust[- ]up|blow[- ]up|fight)\b"
)
# Conduct that troubles someone ("said something inappropriate", "a sexist remark", "didnt sit
# right"), and unease about the pairing itself ("uneasy about him", "anxious about our sessions").
_CONDUCT = (
    r"\b(?:keeps?|kept|keeps on)\s+(?:making|passing|cracking)\s+(?:\w+\s+)?(?:comments|remarks|"
    r"jokes)\b|\b(?:comments?|remarks?|jokes?) about my (?:weight|looks|appearance|body|age|race|"
    r"accent|religion|sexuality|pregnancy|skin|hair)\b|\b(?:don't|do not|no longer|not) (?:feel )?"
    r"(?:comfortable|safe) (?:with|around|meeting|being)\b|"
    r"\binappropriate\b|\b(?:didn't|did not|doesn't) sit (?:right|well)\b|\bcrossed (?:a|the) line"
    r"\b|\bover ?stepped\b|\bmade a pass\b|\b(?:sexist|racist|homophobic|transphobic|sexual|"
    r"offensive|derogatory|demeaning)\s+(?:\w+\s+)?(?:remarks?|comments?|jokes?|messages?|texts?)\b"
    r"|\bcreepy\b|\bmade me feel (?:\w+ )?(?:uneasy|small|unsafe|awkward|weird|humiliated)\b"
)
_UNEASY = (
    r"\b(?:uneasy|anxious|nervous|worried|concerned|unsure|uncertain|unsettled)\s+(?:about|abt|re|"
    r"for|with)\s+(?:him|her|them|my (?:mentor|mentee)|(?:the|our|my|this) (?:pairing|mentoring|"
    r"relationship|sessions|meetings|partnership))\b|\b(?:aren't|are not|not|never) (?:really )?"
    r"(?:clicking|gelling|hitting it off)\b"
)
# Checked in this order: the most serious reading wins.
_KINDS: list[tuple[Kind, re.Pattern[str]]] = [
    (
        Kind.SAFETY,
        re.compile(
            # "worried about a patient", "pt left on a trolley", "coming in after drinking"
            r"\b(?:worried|concerned|scared|anxious)\s+(?:about|for)\s+(?:a|one of our|our|"
            r"this|that)\s+(?:patient|pt|resident|child|service user)s?\b"
            # "coming to work after drinking", "turns up for shift after a few drinks"
            r"|\b(?:c[ao]m(?:e|es|ing)|turn(?:s|ed|ing)? up|show(?:s|ed|ing)? up|arriv\w+|working"
            r"|on (?:shift|duty))\s+(?:(?:in|into|in to|to|for|on|at)\s+)?(?:work|shift|duty|the "
            r"ward|clinic|nights)?\s*(?:after|while|when|having been)\s+(?:a night (?:out )?|a few |a "
            r"couple of |being on the )?(?:drinking|drinks|drink|drunk|booze|high|using|on drugs)\b"
            r"|\b(?:came|coming|come|comes|turned up|turning up|turns up|showed up|showing up|shows up"
            r"|at work)\s+(?:in\s+|(?:to|for|on)\s+(?:work|(?:his|her|their|the|a)\s+)?(?:shifts?|"
            r"ward|duty|clinic|work)\s+)?(?:after|while|when|having been)"
            r"\s+(?:drinking|drunk|high|using)\b|\b(?:drunk|under the influence|smelt of alcohol|"
            r"smelled of alcohol) (?:at|on) (?:work|shift|the ward|duty)\b"
            r"|\b(?:drinking|drunk|hungover|boozing|tipsy|smell(?:s|ed|t|ing)? of (?:alcohol|booze|drink)"
            r")\s+(?:at|on|in|during|before)\s+(?:work|shifts?|the ward|duty|clinic)\b"
            r"|\b(?:worried|concerned|scared|anxious)\s+(?:about|for)\s+(?:one of|some of|two of)?\s*"
            r"(?:my|our|the)\s+(?:patients|pts|residents|service users|clients)\b"
            r"|\bnobody escalated\b|\bnot escalated\b|\bleft on a trolley\b"
            # the worry said after the person it is about: "a patient on the unit im really
            # concerned about", "one of our residents has me worried" (not "no concerns")
            r"|\b(?:a|the|one of (?:our|my|the)|our|my|this|that)\s+(?:patient|pt|resident|child|service "
            r"user)s?\b.{0,50}?(?<!\bnot )(?<!\bno )\b(?:worried|concerned|scared|anxious|uneasy)\b",
        ),
    ),
    (
        Kind.REMATCH,
        re.compile(
            r"\b(?:moved|move|switch|switched|swap|swapped|changed?|reassigned)\s+(?:me\s+)?"
            r"(?:to|for)\s+(?:a|another|a different|a new)\s+mentor\b"
            r"|\b(?:different|another|new) mentor\b"
            # "is it possible to switch mentor?", "can i change mentors", "could i be rematched",
            # "someone else as my mentor"; not "change my mentor profile" or "swap my mentor
            # meeting to friday".
            r"|\b(?:switch|swap|swop|change)(?:ing)?\s+(?:my\s+|our\s+)?mentors?\b(?!\W*(?:profile"
            r"|preferences?|choices?|details|bio|meetings?|sessions?|calls?|catch[- ]?ups?|1:1s?)\b)"
            r"|\b(?:be|get|getting|being)\s+re-?matched\b|\bre-?match\s+me\b|\b(?:a|for)\s+re-?match\b"
            r"|\bsome(?:one|body) else as (?:my |a )?mentor\b"
            # a mentor wanting a change: "i'd rather mentor someone else", "a different mentee"
            r"|\b(?:rather|prefer to|want to)\s+mentor\s+(?:someone|somebody)\s+else\b"
            r"|\b(?:a\s+)?different mentee\b"
        ),
    ),
    (
        Kind.BREAKDOWN,
        re.compile(
            r"\bno[- ]?fault\b|\bbroken down\b|\bbreak ?down\b|\bfalling out\b|\bfell out\b"
            r"|\bfallen out\b|\b(?:can't|cannot|can not|don't want to|do not want to)\s+"
            r"(?:work|carry on|continue|keep going)\s+with\s+" + _PARTNER + r"\b"
            r"|\b(?:it'?s|it is|this is|we're|we are) (?:just |really |simply |clearly )?not working\b"
            r"|\b(?:it|this) isn't (?:really )?working\b|\bi want out\b"
            + _WANTS_OUT
            + r"|\bnot working (?:out )?(?:with|w)\b"
            # "end it", but never "leave it" ("leave it at 45 mins", "leave it with me"): a
            # thing kept as it is, or a task taken on, not a pairing left.
            r"|\b(?:end|quit|stop|exit)\s+it\b|\b(?:end|leave|quit|stop|exit)\s+(?:the pairing"
            r"|our pairing|my pairing|the "
            r"mentoring|our mentoring|the scheme|the programme|the partnership)\b"
        ),
    ),
    # "tom and i aren't working", "me and nadia just aren't working out", "we aren't working
    # well together": the pair itself not working (never "we aren't working today", a rota).
    (
        Kind.BREAKDOWN,
        re.compile(
            r"\b(?:\w+\s+and\s+(?:i|me)|(?:me|i)\s+and\s+\w+|we)\s+(?:just\s+|really\s+"
            r"|simply\s+|clearly\s+|honestly\s+)?(?:aren't|are\s+not|'re\s+not)\s+(?:really\s+)?"
            r"working(?:\s+out)?(?:\s+(?:well\s+)?together)?(?!\s+(?:today|tonight|tomorrow|tmrw"
            r"|on|this|next|from|at|in|nights|days|lates|earlies|weekends?|that|the|until|til"
            r"|till|over|then|shifts?|hours|part)\b)(?!\w)"
        ),
    ),
    (
        Kind.NOT_RESPONDING,
        re.compile(
            r"\b(?:hasn't|haven't|has not|have not|not)\s+(?:\w+\s+)?(?:replied|responded|"
            r"answered|heard|got back|been in touch)\b|\bnot heard a (?:peep|thing|word)\b"
            r"|\b(?:isn't|is not|aren't|keeps not|stopped|not)\s+(?:replying|responding|"
            r"answering|getting back)\b|\bno (?:reply|replies|response|answer)\b|\bghost"
            r"|\bignoring me\b|\bunresponsive\b|\bmissed (?:our|the|my) (?:last )?(?:\d+|two|"
            r"three|few)? ?(?:meetings|calls|sessions)\b"
            r"|" + _SILENT_PARTNER
        ),
    ),
    (
        Kind.CIRCUMSTANCES,
        re.compile(
            r"\boff (?:\w+ ){0,2}sick\b|\bsick leave\b|\blong[- ]term (?:sick|leave|absence)\b"
            r"|\bmaternity\b|\bpaternity\b|\bparental leave\b|\bcareer break\b|\bsecondment\b"
            r"|\bleaving (?:the trust|my job|my post|my role|the organisation)\b|\bnew job\b"
        ),
    ),
    (
        Kind.WELLBEING,
        re.compile(
            r"\bburn(?:t|ed)? ?out\b|\bnot sleeping\b|\bcan't sleep\b|\bexhausted\b"
            r"|\b(?:too much|overwhelm\w*|not coping|can't cope|struggling)\b"
            r"|\b(?:really|so|very) (?:low|stressed|anxious|down)\b"
        ),
    ),
    (
        Kind.DIFFICULTY,
        re.compile(
            r"\buncomfortable\b|\bnot getting on\b|\bdon't get on\b|\bclash\w*\b|\brude\b"
            r"|\bdismissive\b|\bawkward\b|\bkeeps? cancelling\b|" + _CONDUCT + r"|" + _UNEASY
        ),
    ),
]

# "can i raise it without him knowing", "flag something with the project team", "who do i tell"
_WANTS_TO_RAISE = re.compile(
    r"\b(?:raise|report|flag|escalate|tell (?:the|someone)|let (?:the )?(?:lead|project)"
    r"|speak up|speak to someone|talk to someone)\b.{0,40}\b(?:something|it|this|that|about|with "
    r"the|without|lead|team|concern|issue|someone)\b"
    r"|\bwho (?:do|should|can) i (?:tell|talk to|speak to|report (?:it|this|that) to)\b"
    r"|\bwithout (?:him|her|them|my (?:mentor|mentee)) knowing\b"
    # "i want to report my mentor", "i might report him": telling on the partner.
    r"|\breport(?:ing)?\s+(?:him|her|them|my (?:mentor|mentee|partner))\b"
    # "pass it on to the lead", "take this to the project team"
    r"|\b(?:pass|send|forward|take|put)\s+(?:it|this|that)\s+(?:on\s+)?(?:to|with|in front of)\s+"
    r"(?:the\s+)?(?:project\s+)?(?:lead|team|someone)\b"
)
# "there's something i want the project team to know", "i'd like the lead to be aware of
# something": something for the project team, said as what they should come to know.
_FOR_THEM_TO_KNOW = re.compile(
    r"\b(?:want|need|would like|'d like|wanted|like)\s+(?:the\s+)?(?:project\s+)?(?:team|lead"
    r"|steering\s+group|moderator|project\s+lead)\s+to\s+(?:know|hear|be\s+aware|be\s+told"
    r"|find\s+out)\b|\b(?:make|let)\s+(?:the\s+)?(?:project\s+)?(?:team|lead|steering\s+group"
    r"|moderator)\s+(?:aware|know)\b"
)
# "can i report it without owen finding out", "can i raise it confidentially": raising something
# in confidence (asked as a question about the concern path, before any other reading of it).
_IN_CONFIDENCE = re.compile(
    r"\b(?:raise|report|flag|mention|tell (?:you|someone|the lead)|say)\b.{0,40}\b(?:without "
    r"(?:him|her|them|my (?:mentor|mentee)|\w+) (?:knowing|finding out|being told|seeing|hearing)|"
    r"confidentially|in confidence|anonymously|privately)\b"
)
# "how do i raise a concern", "how would i report my mentor": asking the way, not raising one.
_ASKS_HOW = re.compile(
    r"^(?:\w+,?\s+)?(?:how|where)\s+(?:do|would|can|could|should)\s+(?:i|we|you|someone|one)\s+"
    r"(?:go about\s+)?(?:raise|raising|report|reporting|flag|flagging|complain)\s+(?:about\s+)?"
    r"(?:a |an |my |the )?(?:concerns?|problems?|issues?|complaints?|worry|worries|mentor|mentee"
    r"|partner|someone|somebody|something|it|him|her|them|bullying|harassment)\b"
)
# "if i ever had a concern about my mentor how would i raise it", "say something went wrong,
# who would i tell": the way asked about a concern that may never happen (a real one said in
# the same breath still has its kind read first).
_ASKS_HOW_IF = re.compile(
    r"^(?:\w+,?\s+)?(?:if|say|suppose|supposing|what if|in case|should)\b.{0,60}?\b(?:concerns?"
    r"|problems?|issues?|worr(?:y|ies|ied)|complaints?|wrong|not right|unhappy)\b.{0,40}?"
    r"\b(?:(?:how|where|who)\s+(?:do|would|can|could|should|will)\s+i\s+(?:go about\s+)?"
    r"(?:raise|raising|report|reporting|flag|flagging|complain|tell|talk to|speak to|escalate)\b"
    r"|what\s+(?:do|would|should|could)\s+i\s+do\b)"
)
# "what's the procedure for reporting my mentor", "what do i do if i want to flag a problem",
# "is there a process for raising concerns": asking the way in other words.
_ASKS_PROCESS = re.compile(
    r"^(?:\w+,?\s+)?(?:what(?:'s|s| is| are)?\s+the\s+(?:process|procedure|way|steps?|route|"
    r"protocol|policy)|is\s+there\s+(?:a|any)\s+(?:process|procedure|way|route|policy)|"
    r"what\s+(?:do|should|would|can)\s+(?:i|we|you|someone|one)\s+do)\b.{0,30}?"
    r"\b(?:raise|raising|report|reporting|flag|flagging|complain|complaining)\b"
)
# "can tom see what i reported?", "will my mentor know", "does she find out", "will tom be able
# to see what i reported", "is my mentor going to find out about it".
_SOMEONE_ABLE_TO = (
    r"\b(?:(?:can|could|will|would|does|do|did)\s+(?:(?!i\b|we\b|you\b)\w+|my (?:mentor|mentee))"
    r"|(?:is|are)\s+(?:(?!i\b|we\b|you\b|it\b|there\b|that\b|this\b)\w+|my (?:mentor|mentee))\s+"
    r"(?:able|going|allowed|likely)\s+to)\s+"
    r"(?:(?:ever|still|somehow|be able to|be allowed to|get to|end up)\s+)*"
)
_ASKS_WHO_SEES = re.compile(
    _SOMEONE_ABLE_TO
    + r"(?:see|read|know|access|view|find out|be told|get told|be shown|be informed|hear)\b.{0,30}"
    r"\b(?:reported|raised|flagged|told you|my concern|the concern|concerns?|about "
    r"it)\b"
    # "will tom be able to see my report?", "can she read my complaint": the concern said as a
    # report or complaint of one's own (not "my report on the audit").
    r"|"
    + _SOMEONE_ABLE_TO
    + r"(?:see|read|know|access|view|find out about|be shown)\s+my\s+(?:report|complaint)$"
)
# "urgent!!", "help, urgent", "its urgent", "need help urgently", "urgent help needed pls":
# urgency with nothing else said yet.
_ASKING_FOR_HELP = (
    r"(?:it'?s|this is|help|please|pls|plz|sos|very|really|i|i'?m|im|need|needed|needs|some|"
    r"someone|somebody|now|asap|quickly|quick|an?|emergency|required)"
)
_JUST_URGENT = re.compile(
    rf"^(?:{_ASKING_FOR_HELP}\s*)*(?:urgent(?:ly)?|emergency)(?:\s+{_ASKING_FOR_HELP})*$"
)
# "actually forget it", "never mind, i'll speak to him first": withdrawing what was being said.
_WITHDRAWS = re.compile(
    r"^(?:(?:actually|ok|okay|oh|hmm|no|sorry|on second thoughts?)[\s,.]+)*(?:forget (?:it|that|"
    r"about it)|never ?mind|scrap (?:it|that)|don't (?:bother|worry about it|send it)|"
    r"i'?ve changed my mind|changed my mind|leave it|ignore (?:that|me|it))\b"
)


# The topics a message names in so many words ("no-fault exit", "off sick", "a clash"), read on
# the text as typed and on its normal form; checked in this order (the most serious first).
_TOPICS: list[tuple[Kind, re.Pattern[str]]] = [
    (
        Kind.BREAKDOWN,
        re.compile(
            r"no[- ]?fault|leave the (?:scheme|programme)|(?:quit|exit) the scheme|break ?down"
            r"|broken down|end (?:the|our|my) (?:pairing|partnership|mentoring|relationship)"
            r"|(?:a |another |different )(?:new )?mentor\b|new mentor",
            re.I,
        ),
    ),
    (
        Kind.NOT_RESPONDING,
        re.compile(
            r"not (?:been )?respond|n[o']t (?:been )?respond|(?:has|have)(?:n't| not) (?:replied"
            r"|responded|got back|been in touch|heard)|no (?:reply|replies|response|answer)"
            r"|not (?:replied|answering|heard)|\bignor|\bghost|unresponsive|won't (?:reply|answer)"
            r"|stopped (?:replying|answering|responding)",
            re.I,
        ),
    ),
    (
        Kind.CIRCUMSTANCES,
        re.compile(
            r"absence|\boff sick|sick leave|\billness|maternity|paternity|parental leave"
            r"|career break|change (?:of|in) (?:my )?(?:circumstances|role|job)|new job"
            r"|changing jobs|leaving my (?:job|post|role)|secondment|\baway for\b",
            re.I,
        ),
    ),
    (
        Kind.DIFFICULTY,
        re.compile(
            r"difficult|not getting on|(?:don't|do not|don’t) get on|\bclash|uncomfortable"
            r"|disagree|tension|awkward|friction|\brude\b|dismissive|not working",
            re.I,
        ),
    ),
]
# "raise a concern", "I want to report a safeguarding concern": the words that open one, as
# opposed to a concern said straight out ("Tom hit a patient").
_OPENING = re.compile(r"\b(?:raise|report|have|got|log|flag)\b.{0,30}\b(?:concern|issue)\b", re.I)
# "yes please send it", "send it now", "send my concern": said at a draft, it means send.
_SEND_SAID = re.compile(
    r"(?:(?:yes|yeah|ok|okay)[\s,]+)?(?:please\s+)?send\s+(?:it|my\s+concern|the\s+concern)"
    r"(?:\s+(?:now|please|to\s+the\s+lead))*"
)
# "no just keep it in my diary", "keep it private": keeping it where it was written.
_KEEPS_IT = re.compile(
    r"^\W*(?:no\W+)?(?:just\s+|please\s+)*keep\s+it\s+(?:private|to\s+myself|"
    r"in\s+my\s+\w+(?:\s+only)?)\W*$",
    re.I,
)
# "change the category", "category": what a concern is about, to be chosen again.
_CHANGE_TOPIC = re.compile(r"change the category.*|change what it's about|category")


def _plain(text: str) -> str:
    return normalise(text).strip(" .!?")


def kind(text: str) -> Kind | None:
    """The kind of worry ``text`` describes, or None."""
    said = _plain(text)
    for found, pattern in _KINDS:
        if pattern.search(said):
            return found
    return None


def wants_to_raise(text: str) -> bool:
    """Whether ``text`` asks to take something to the project team (however vaguely)."""
    plain = _plain(text)
    return _WANTS_TO_RAISE.search(plain) is not None or _FOR_THEM_TO_KNOW.search(plain) is not None


def raises_in_confidence(text: str) -> bool:
    """Whether ``text`` asks to raise something in confidence ("can i report it without owen
    finding out")."""
    return _IN_CONFIDENCE.search(_plain(text)) is not None


def asks_how_to_raise(text: str) -> bool:
    plain = _plain(text)
    return (
        _ASKS_HOW.search(plain) is not None
        or _ASKS_PROCESS.search(plain) is not None
        or _ASKS_HOW_IF.search(plain) is not None
    )


def asks_who_sees(text: str) -> bool:
    return _ASKS_WHO_SEES.search(_plain(text)) is not None


def just_urgent(text: str) -> bool:
    return _JUST_URGENT.match(re.sub(r"[^\w\s']", " ", _plain(text)).strip()) is not None


# "URGENT - ...", "urgently need someone": a message marked urgent, whatever else it says.
_SAYS_URGENT = re.compile(r"\burgent(?:ly)?\b", re.I)


def says_urgent(text: str) -> bool:
    """Whether ``text`` is marked urgent anywhere in it (not only "urgent!!" said alone)."""
    return _SAYS_URGENT.search(text) is not None


def withdraws(text: str) -> bool:
    return _WITHDRAWS.search(_plain(text)) is not None


def topic(text: str) -> Kind | None:
    """The topic a message names in so many words ("no-fault exit", "off sick"), or None."""
    plain = normalise(text)
    return next(
        (k for k, pattern in _TOPICS if pattern.search(text) or pattern.search(plain)), None
    )


def opens_concern(text: str) -> bool:
    """Whether ``text`` asks to raise a concern ("I want to report a safeguarding concern")."""
    return _OPENING.search(text) is not None


def _said(text: str) -> str:
    return re.sub(r"[\s.!]+$", "", text.strip().lower())


def says_send(text: str) -> bool:
    """Whether ``text``, said at a draft, means send it ("yes please send it", "send my concern")."""
    return _SEND_SAID.fullmatch(_said(text)) is not None


def changes_topic(text: str) -> bool:
    """Whether ``text``, said at a draft, asks to change what it is about."""
    return _CHANGE_TOPIC.fullmatch(_said(text)) is not None


def carries_on(text: str) -> bool:
    """ "carry on with my concern": a draft put aside, picked up again."""
    return re.match(r"carry on with my concern\b", text.strip(), re.I) is not None


def details_in(text: str, names_a_topic: bool) -> str:
    """The details an opening message carries: after a colon, or the whole of a long message
    that names what it is about."""
    _, colon, rest = text.partition(":")
    if colon and len(rest.strip()) >= 3:
        return rest.strip()
    if names_a_topic and len(text.split()) >= 7:
        return text.strip()
    return ""


def keeps_it(text: str) -> bool:
    """Whether ``text`` asks to keep something where it was written, not send it ("no just
    keep it in my diary", "keep it private")."""
    return _KEEPS_IT.search(text) is not None

"""Noticing a concern in what people write: one reading for every dialog.

Map:
- ``notice_concern``: free text written for something else (a diary entry, minutes, a check-in
  answer, a contract field) *describes* something that may need the project lead: a safety
  concern (``Noticed.SAFETY``, urgent) or bullying, harassment, discrimination
  (``Noticed.BULLYING``). When in doubt it notices: the dialog then asks, it never acts alone.
- ``concern_kinds``: which :class:`Kind` of concern the text describes (several may apply);
  ``names_self_harm``: whether one is self-harm or suicidal thoughts (so the reply can point to
  the Samaritans as well as the lead).
- ``names_safety``: the message *names* a safety topic (safeguarding, patient safety, fitness to
  practise, harm, abuse, danger) or describes one. Used where the person is already raising a
  concern, so naming the topic is enough to pick the category.
- ``wants_it_sent`` / ``wants_it_kept``: typed answers to "Shall I send it to the project lead
  now?" and, afterwards, "Shall I keep what you wrote there too?".

How the reading works. Each :class:`Kind` is one regular expression built from small named word
lists (who gets hurt, the acts in their inflections, the setting): "my manager is *hurting
patients*", "*a resident was slapped*", "*turned up drunk*", "*shared a patient's scan in our
team chat*". A match does not count when the words around it make it talk rather than report:
- negated: "*no* patients were harmed", "*nobody* came to harm", "*didn't* harm anyone" (for
  self-harm only an outright "not", "no", "never": "I *don't* see the point in living" counts);
- a rule or a case, not an event: "*unless* someone is at risk", "*only if* a patient is in
  danger", "*except where* there is a risk of harm", "report *any* patient safety concerns";
- the name of a subject: a subject noun after it ("safeguarding *training*", "the serious
  incident *panel*", "suicide *prevention*"), or, for a concern named outright (``Kind.TOPIC``:
  "safeguarding", "serious incident", "violence"), someone's own role or work before it ("*my
  role includes* safeguarding adults", "*reducing* violence and aggression").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum


class Noticed(StrEnum):
    SAFETY = "safety"
    BULLYING = "bullying"


class Kind(StrEnum):
    """What a text describes. Every kind but ``BULLYING`` is a safety concern."""

    SELF_HARM = "self_harm"  # suicidal thoughts, self-harm (the writer's or someone else's)
    HARM = "harm"  # someone hurt, hit, abused or assaulted, at work or in care
    UNSAFE_CARE = "unsafe_care"  # wrong drug, ignored obs, a patient left, unsafe practice
    IMPAIRED = "impaired"  # someone drunk or high at work
    CONFIDENTIALITY = "confidentiality"  # patient information shared, posted, looked up
    SEXUAL = "sexual"  # sexual comments, advances, touching, images
    ABUSE_SIGNS = "abuse_signs"  # unexplained bruises, a disclosure, afraid to go home
    RESTRAINT = "restraint"  # tied to a bed, locked in, held down, covert sedation
    DRUGS = "drugs"  # controlled drugs stolen, missing, tampered with
    TOPIC = "topic"  # a concern named outright: "safeguarding issue", "serious incident"
    BULLYING = "bullying"  # bullying, harassment, discrimination, humiliation


def _any(*words: str) -> str:
    return "(?:" + "|".join(words) + ")"


# -- who: people who can be hurt, and who can hurt ---------------------------------------------

# People in someone's care.
_CARED_FOR = _any(
    r"patients?", r"child(?:ren)?", r"kids?", r"bab(?:y|ies)", r"infants?", r"toddlers?",
    r"residents?", r"service\s+users?", r"clients?", r"pupils?", r"elderly", r"old\s+(?:lady|man)",
    r"vulnerable\s+adults?", r"(?:young\s+)?(?:people|person)", r"teenagers?", r"mum", r"mother",
)  # fmt: skip
# Anyone else who can be on the receiving end at work.
_STAFF = _any(
    r"colleagues?", r"staff", r"nurses?", r"doctors?", r"students?", r"trainees?", r"juniors?",
    r"carers?", r"midwi(?:fe|ves)", r"porters?", r"paramedics?", r"registrars?", r"HCAs?",
    r"healthcare\s+assistants?", r"receptionists?", r"volunteers?", r"visitors?", r"relatives?",
    r"(?:wo)?m[ae]n", r"girls?", r"boys?", r"lady", r"someone", r"somebody", r"everyone",
    r"guards?", r"police(?:\s+officers?)?", r"cleaners?", r"security",
)  # fmt: skip
_DETERMINER = r"(?:(?:a|an|the|my|our|his|her|their|this|that|one\s+of\s+(?:the|our|my))\s+)"
# "her" as a possessive ("neglected her duties") is not a person.
_HER = r"her\b(?!\s+(?:own\s+)?(?:duties|objectives|work|job|goals?|studies|career|role|feelings"
_HER += r"|responsibilities|paperwork|emails?|inbox|portfolio|targets?|project|diary|time|plans?"
_HER += r"|ideas?|point|case|chances|way|best|head|mind))"
_PRONOUN = _any(r"me\b", r"us\b", r"him\b", _HER, r"them\b")
_NOUN_END = r"\b(?!['’])"  # "hit a patient", not "hit a patient's target"
# One describing word ("an *elderly* patient"), never a little word that changes the sense.
_ADJ = (
    r"(?:(?!(?:no|not|none|any|all|every|each|unless|if|when|whenever|where|whether|should|would"
    r"|could|case|event|that|which|who|of|to|and|or|but|because|so|than|with|for|from|by|on|in|at"
    r"|is|are|was|were)\b)\w+\s+)"
)
# Someone in care, with an optional article and one describing word: "an elderly patient".
_CARED = rf"(?:{_DETERMINER}?{_ADJ}?{_CARED_FOR}{_NOUN_END})"
# Anyone: someone in care, staff, a pronoun.
_PERSON = rf"(?:{_DETERMINER}?{_ADJ}?{_any(_CARED_FOR, _STAFF)}{_NOUN_END}|{_PRONOUN})"
# Who a passive sentence is about: "a resident was slapped", "I was pushed".
_SUBJECT = rf"(?:{_PERSON}|\bI|\bwe|\bhe|\bshe|\bthey)"
_PASSIVE = (
    r"(?:was|were|is|are|been|being|got|gets|getting|get)\s+"
    r"(?:\w+ly\s+|also\s+|then\s+|just\s+|repeatedly\s+|being\s+)?"
)
_BODY = _any(
    r"arms?", r"wrists?", r"neck", r"hair", r"throat", r"face", r"hands?", r"shoulders?",
    r"breasts?", r"chest", r"bottom", r"bum", r"backside", r"legs?", r"thighs?", r"ears?",
    r"waist", r"crotch", r"groin", r"knees?", r"hips?", r"lap", r"back", r"bum",
)  # fmt: skip
_WHOSE = r"(?:my|her|his|their|(?:a|the)\s+(?:\w+\s+)?(?:patient|resident|child|baby)['’]s)"

# -- what: harmful acts, in their inflections ---------------------------------------------------

# Acts that hurt whoever they are done to.
_HURTS = _any(
    r"(?<!\bit\s)(?<!\bthis\s)(?<!\bthat\s)hit(?:s|ting)?"
    r"(?!\s+(?:me|us|him|her|them|everyone|everybody)\s+(?:hard|that"
    r"|how|then|when|like))", r"slap\w*", r"punch\w*", r"kick(?:s|ed|ing)?",
    r"smack\w*", r"thump\w*", r"whack\w*", r"strangl\w*", r"chok(?:e|es|ed|ing)", r"throttl\w*",
    r"bit(?:e|es|ing|ten)?", r"bruis(?:e|es|ed|ing)", r"stab\w*", r"struck", r"batter\w*",
    r"headbutt\w*", r"scald\w*",
    r"burn(?:t|ed)", r"poison\w*", r"suffocat\w*", r"smother\w*", r"hurt(?:s|ing)?",
    r"harm(?:s|ed|ing)?", r"injur(?:e|es|ed|ing)", r"attack(?:s|ed|ing)?", r"assault\w*",
    r"abus(?:e|es|ed|ing)", r"mistreat\w*", r"ill[\s-]?treat\w*", r"manhandl\w*", r"shov(?:e|es|ed|ing)",
    r"pinch(?:es|ed|ing)?", r"strik(?:e|es|ing)", r"beats(?!\s+\w+\s+(?:at|to|in)\b)",
    r"beating", r"spat\s+(?:at|on)", r"spit(?:s|ting)?\s+(?:at|on)", r"threw\s+\w+(?:\s+\w+)?\s+at",
    r"throw(?:s|ing)?\s+\w+(?:\s+\w+)?\s+at", r"rough(?:ed|ly)?\s+(?:up|handl\w*)",
    r"threaten\w*\s+to\s+(?:kill|hurt|harm|hit|stab|punch|beat)",
)  # fmt: skip
# The same acts said of the person they were done to: "a resident was slapped".
_HURT = _any(
    r"hit(?!\s+(?:with|by)\s+(?:\w+\s+){0,2}(?:\w*load|news|deadlines?|bills?|cuts?|budgets?"
    r"|changes?"
    r"|demands?|requests?|emails?|pressure|reality|covid|flu|virus|colds?|storms?)\b)",
    r"slapped", r"punched", r"kicked", r"smacked", r"thumped", r"whacked", r"beaten(?:\s+up)?",
    r"strangled", r"choked", r"throttled", r"bitten", r"stabbed", r"struck", r"battered",
    r"scalded", r"burn[te]d?", r"poisoned", r"smothered", r"harmed", r"injured", r"shoved",
    r"hurt(?!\s+(?:not|that|to|when|because|about|by\s+(?:\w+\s+)?(?:comments?|words|feedback|remarks?"
    r"|decision|emails?|response|silence|tone)))",
    r"attacked", r"assaulted", r"abused", r"mistreated", r"ill[\s-]?treated", r"manhandled",
    r"roughly\s+handled", r"spat\s+(?:at|on)", r"threatened", r"shaken",
)  # fmt: skip
# Force that needs a direction or a body part to be an assault ("pushed me against the wall",
# "grabbed my arm"), not "pushed me to apply" or "grabbed me for a chat".
_FORCE = r"(?:push|shov|grabb?|dragg?|yank|pull|twist|pinn|held|hold|forc|throw|threw|slamm?)\w*"
_DIRECTION = _any(
    r"by\s+the\s+\w+", r"against", r"into", r"onto", r"down", r"over", r"off",
    r"out\s+of\s+(?:the|a|his|her|their)\s+(?:way|door|room|chair|bed|window|wheelchair)",
    r"to\s+the\s+(?:floor|ground|wall|bed)", r"across", r"back\s+(?:in|on)to",
)  # fmt: skip
# Neglect: done to someone in care.
_NEGLECTS = _any(
    r"neglect(?:s|ed|ing)?", r"ignor(?:e|es|ed|ing)", r"starv\w*",
    r"(?:didn['’]?t|did\s+not|never|failed\s+to|refused\s+to|forgot\s+to|wouldn['’]?t)\s+"
    r"(?:check\s+on|turn|feed|wash|change|help|see|treat|examine|escalate|give\s+\w+\s+to)",
)  # fmt: skip
_LEFT = _any(
    r"alone", r"unattended", r"unsupervised", r"in\s+(?:pain|agony|distress|soiled|wet|urine|faeces"
    r"|their\s+own|his\s+own|her\s+own|(?:a|the)\s+(?:corridor|car\s+park|ambulance|waiting\s+room"
    r"|bath|cold|dark))",
    r"on\s+(?:a|the)\s+(?:floor|trolley|commode"
    r"|toilet|bedpan)", r"without\s+(?:food|water|fluids|a\s+drink|pain\s+relief|help|care|their"
    r"|his|her|being)", r"for\s+(?:\w+\s+)?hours", r"lying",
    r"sitting\s+in\s+(?:(?:a|the)\s+)?(?:urine|faeces|soiled|wet|their\s+own|his\s+own|her\s+own|pain)",
    r"to\s+die",
)  # fmt: skip
_MEDICINE = _any(
    r"medications?", r"medicines?", r"meds", r"drugs?", r"tablets?", r"insulin", r"blood",
    r"doses?", r"injections?", r"prescriptions?", r"antibiotics?", r"morphine",
)  # fmt: skip
_CONTROLLED = _any(
    r"controlled\s+drugs?", r"CDs\b", r"morphine", r"oramorph", r"diamorphine", r"opioids?",
    r"opiates?", r"fentanyl", r"oxycodone", r"codeine", r"tramadol", r"diazepam", r"midazolam",
    r"lorazepam", r"ketamine", r"propofol", r"benzos?", r"pethidine", r"methadone",
)  # fmt: skip
_IMPAIRED = _any(
    r"drunk", r"intoxicated", r"tipsy", r"hammered", r"wasted(?!\s+on\b)", r"stoned", r"hung\s?over",
    r"under\s+the\s+influence", r"off\s+(?:his|her|their)\s+face",
    r"high(?=\s+on\s+(?!adrenaline|life|success|caffeine|sugar|coffee|excitement)|\s*[,.;!]|\s*$)",
    r"smelling\s+of\s+(?:alcohol|drink|booze)",
    r"slurr(?:ing|ed)(?:\s+(?:his|her|their)\s+(?:words|speech))?",
    r"(?<!visually\s)(?<!hearing\s)(?<!cognitively\s)(?<!sight\s)impaired(?!\s+(?:vision|hearing"
    r"|mobility|patients?|people|staff|colleagues?))",
)  # fmt: skip
_AT_WORK = _any(
    r"work", r"shift", r"duty", r"(?:the|a|his|her|their|my|our)\s+(?:\w+\s+)?(?:ward|clinic|theatre|shift|list"
    r"|ward\s+round|handover|operation|surgery|home\s+visit|night\s+shift)", r"nights", r"handover",
)  # fmt: skip
# Someone at work who could be impaired there.
_WORKER = _any(
    _STAFF, r"managers?", r"mentors?", r"sisters?", r"matrons?", r"locums?", r"physios?",
    r"radiographers?", r"technicians?", r"SHOs?", r"F[12]s?", r"dentists?", r"therapists?",
    r"workers?", r"supervisors?", r"tutors?", r"drivers?", r"consultants?", r"surgeons?",
    r"anaesthetists?", r"GPs?",
    r"pharmacists?", r"he", r"she",
)  # fmt: skip
_PATIENT_INFO = (
    r"(?:(?:a|the|some|their|his|her)\s+)?(?:\w+\s+)?(?:patients?['’]?s?|residents?['’]?s?"
    r"|clients?['’]?s?|service\s+users?['’]?s?|medical|clinical|confidential|personal)\s+"
    r"(?:\w+\s+)?(?:scans?|x-?rays?|notes|records?|details|data|information|info|photos?|pictures?"
    r"|pics|images?|results|names?|address(?:es)?|diagnos[ie]s|files?|letters?|history|histories"
    r"|lists?|handover\s+sheets?|bloods|wounds?|injur(?:y|ies)|bod(?:y|ies)|ulcers?|sores?)"
)
# A patient's information, or a picture of them.
_PATIENT_THING = _any(
    _PATIENT_INFO,
    rf"(?:a\s+)?(?:photos?|pictures?|pics|images?|videos?|selfies?)\s+(?:of|with)\s+{_CARED}",
)
_BAD_PLACE = _any(
    r"(?:\w+\s+)?(?:group\s+)?chats?", r"whats\s?app(?:\s+group)?", r"facebook(?:\s+group)?",
    r"instagram", r"tik\s?tok",
    r"twitter", r"snapchat", r"social\s+media", r"online", r"(?:the|a)\s+pub", r"friends",
    r"family", r"mates", r"(?:his|her|their|my)\s+(?:\w+\s+)?(?:friends?|mates?|wife|husband|partner"
    r"|family|sister|brother|mum|dad|personal\s+\w+)", r"public",
    r"the\s+press", r"journalists?", r"newspapers?", r"home", r"a\s+(?:public\s+)?forum",
)  # fmt: skip

# "At risk" / "in danger" of something other than harm is not about safety: "of slipping".
_OF_HARM = (
    r"(?!\s+of\s+(?!(?:harm|death|dying|being\s+(?:hurt|harmed|abused|killed)|abuse|injury"
    r"|suicide|self|serious)))"
)

# Feeling unsafe to speak is about a meeting's culture, not anyone's safety.
_SPEAKING = (
    r"(?!\s+(?:presenting|speaking|talking|sharing|asking|saying|challenging|contributing|pushing"
    r"\s+back|disagreeing|being\s+(?:honest|open|vulnerable)|to\s+(?:speak|say|share|ask|present"
    r"|challenge|contribute|disagree|push\s+back|be\s+(?:honest|open|vulnerable))))"
)

# "... if I was gone": the writer not being there at all (not "if I left the meeting early").
_IF_I_WERE_GONE = (
    r"(?:me\b|if\s+I\s+(?:was|were|wasn['’]?t|weren['’]?t|am|died|disappeared|ended\s+it|didn['’]?t"
    r"\s+wake)(?:\s+(?:gone|dead|here|around|alive|not\s+here|no\s+longer\s+here))?\b)"
)

# -- the kinds ---------------------------------------------------------------------------------


def _pattern(*parts: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(parts) + r")\b", re.I)


_KINDS: dict[Kind, re.Pattern[str]] = {
    Kind.SELF_HARM: _pattern(
        r"suicid\w*",
        r"self[\s-]?harm\w*",
        r"(?:kill|hang|hurt|harm|cut(?:t)?|starv|drown|shoot|poison|burn)(?:s|ing|ed|t)?\s+"
        r"(?:my|him|her|them)sel(?:f|ves)",
        r"end(?:s|ed|ing)?\s+(?:it\s+all|(?:my|his|her|their)\s+(?:own\s+)?life"
        r"|(?:things|everything)(?!\s+with))",
        r"tak(?:e|es|ing)\s+(?:my|his|her|their)\s+(?:own\s+)?life",
        r"(?:don['’]?t|do\s+not|no\s+longer|never)\s+want\s+to\s+(?:be\s+(?:here|alive|around)\s+"
        r"(?:any\s*more|any\s+longer)|be\s+alive|live(?!\s+(?:in|with|near|at|there|here|on|by"
        r"|like|so|as))|go\s+on|exist|wake\s+up|carry\s+on)",
        r"want(?:s|ed|ing)?\s+to\s+die",
        r"(?:nobody|no\s+one|no-one|nobody\s+else)\s+(?:would|will|['’]d)\s+(?:even\s+)?(?:miss|notice|care)"
        rf"\s+{_IF_I_WERE_GONE}",
        rf"would\s+(?:anyone|anybody)\s+(?:even\s+)?(?:miss|notice|care)\s+{_IF_I_WERE_GONE}",
        r"(?:feel(?:s|ing)?\s+like|think(?:ing)?\s+(?:of|about)|consider\w*|tempted\s+(?:to|by)"
        r"|close\s+to)\s+(?:just\s+)?end(?:ing)?\s+it(?:\s+all)?\b(?!\s+(?:with|between|for))",
        r"(?:just\s+)?want\s+(?:it\s+all|everything|the\s+pain|my\s+life)\s+to\s+(?:stop|end|be\s+over)"
        r"(?=\s*(?:$|[,.;!?]|and\b|but\b|forever\b))",
        r"(?:don['’]?t|do\s+not|can['’]?t|cannot)\s+see\s+(?:the\s+|any\s+)?point\s+(?:any\s*more"
        r"(?!\s+(?:of|in|with)\b)|in\s+(?:anything|life|living|going\s+on|carrying\s+on|being\s+here))",
        r"better\s+off\s+if\s+I\s+(?:was|were)\s+(?:dead|gone|not\s+here|not\s+around)",
        r"giv(?:e|es|ing)\s+up\s+on\s+(?:life|living)",
        r"disappear\s+(?:forever|for\s+good)",
        r"(?:want|going|plan|planning|thinking\s+(?:of|about)|decided)\w*\s+to\s+end\s+it(?:\s+all)?\b"
        r"(?!\s+(?:with|between))",
        r"(?:wish|wished)\s+(?:I|he|she|they)\s+(?:was|were|wasn['’]t"
        r"|weren['’]t)\s+(?:dead|alive|born|here)",
        r"better\s+off\s+(?:dead|without\s+(?:me|him|her))",
        r"(?:no|see\s+(?:the|any)|what['’]?s\s+the)\s+(?:reason|point)\s+(?:to|in|of)\s+(?:living|live|going\s+on|carrying\s+on|being\s+alive)",
        # "some days i can't see the point of anything any more", "no point in anything anymore",
        # "there are days i don't see the point in any of it anymore"
        r"(?:no|see\s+(?:the|any)|what['’]?s\s+the)\s+point\s+(?:to|in|of)\s+(?:anything|life"
        r"|any\s+of\s+it|it\s+all|everything)\s+any\s*(?:more|longer)",
        r"can['’]?t\s+(?:go\s+on|carry\s+on)\s+(?:like\s+this\s+)?(?:living|any\s*more|any\s+longer)",
        r"(?:took|take|taking|thinking\s+(?:about|of)\s+taking)\s+an\s+overdose",
        r"stockpil\w+\s+(?:my\s+|her\s+|his\s+)?(?:pills|tablets|meds|medication)",
        r"(?:cutting|slit(?:ting)?)\s+(?:my|his|her|their)\s+(?:arms?|wrists?|legs?|skin)",
        r"jump(?:ing)?\s+(?:off|from|in\s+front\s+of)\s+(?:a|the)\s+(?:[\w-]+\s+)?(?:bridge|train|building"
        r"|roof|car\s+park|cliff|bus|lorry)",
        r"step(?:ping)?\s+in\s+front\s+of\s+a\s+(?:train|bus|lorry)",
        r"hope\s+(?:I|she|he|they)\s+(?:don['’]?t|never|won['’]?t)\s+wake\s+up",
        r"(?:go\s+to\s+sleep|sleep)\s+and\s+(?:not|never)\s+wake\s+up",
        r"thoughts?\s+(?:of|about)\s+(?:dying|death|ending\s+(?:it|my\s+life)|not\s+being\s+here)",
    ),
    Kind.HARM: _pattern(
        rf"{_HURTS}\s+(?:\w+\s+)?{_PERSON}",
        rf"{_SUBJECT}\s+{_PASSIVE}{_HURT}",
        rf"{_FORCE}\s+(?:\w+\s+)?{_PERSON}\s+{_DIRECTION}",
        rf"(?:grabb|twist|yank|pull|pinch|squeez|slap|smack|hit|punch|kick|thump|whack|strik|struck"
        rf"|bit|scratch|burn|stamp)\w*\s+{_WHOSE}\s+{_BODY}",
        r"force[\s-]?fe(?:d|eds|eding)",
        rf"(?:{_SUBJECT}\s+{_PASSIVE})?(?:held|pinned)\s+(?:{_PERSON}\s+)?down\s+(?:and|while|to)",
        rf"{_SUBJECT}\s+{_PASSIVE}(?:pushed|shoved|grabbed|dragged|pinned|thrown)\s+{_DIRECTION}",
        rf"beat(?:s|ing)?\s+(?:\w+\s+)?{_PERSON}\s+up",
        r"shak(?:e|es|en|ing)\s+(?:a|the)\s+bab(?:y|ies)",
        r"shook\s+(?:a|the)\s+bab(?:y|ies)",
        r"came\s+to\s+(?:serious\s+)?harm",
        rf"(?:caus|do|did|done|doing)\w*\s+{_ADJ}?harm\s+to",
        rf"caused\s+{_ADJ}?harm",
        r"threat\w*\s+(?:to\s+)?(?:kill|stab|hurt|harm)",
        r"stabbed",
        rf"(?:was|were|is|are|been|being)\s+(?:very\s+|really\s+|so\s+|\w+ly\s+)?rough\s+with\s+{_PERSON}",
        rf"bruised\s+{_WHOSE}\s+{_BODY}",
        # Force with nothing after it: "my boss grabbed me", "pushed her and walked off".
        rf"(?:push|shov|grabb|yank|shook|shak)\w*\s+{_PERSON}(?=\s*(?:$|[,.;!]|and\b|then\b"
        rf"|(?:roughly|away|aside|violently)\b))",
        # Shouting or swearing at someone in care is abuse of them, not bullying.
        rf"(?:shout|scream|yell|swor|swear|snarl)\w*\s+at\s+{_CARED}",
        r"c(?:a|o)m(?:e|es|ing)\s+to\s+(?:serious\s+|real\s+)?harm",
        # Following someone, turning up at their home: stalking.
        r"follow(?:s|ed|ing)?\s+(?:me|her|him|us|them)\s+(?:home|around|round|everywhere|back\s+to"
        r"|(?:out\s+)?to\s+(?:my|her|his|their|our|the)\s+(?:\w+\s+)?(?:car|house|home|flat|door|bus"
        r"|train|station|car\s+park|toilets?|changing\s+rooms?|room))",
        r"(?:turn\w*|show\w*)\s+up\s+(?:at|outside)\s+(?:my|her|his|their)\s+(?:house|home|flat|door)",
        r"(?:wait\w*|hang\w*\s+around)\s+(?:for\s+(?:me|her|him)\s+)?outside\s+(?:my|her|his|their)\s+"
        r"(?:house|home|flat|door|car)",
    ),
    Kind.UNSAFE_CARE: _pattern(
        rf"{_NEGLECTS}\s+(?:\w+\s+)?{_CARED}",
        rf"(?:(?:didn['’]?t|did\s+not|never|failed\s+to|refused\s+to|forgot\s+to|wouldn['’]?t)\s+"
        rf"|(?:nobody|no\s+one)\s+)(?:check(?:ed)?\s+on|turn(?:ed)?|fe(?:e)?d|wash(?:ed)?|help(?:ed)?"
        rf"|examin(?:e|ed)|escalat(?:e|ed)|g[ai]ve\s+\w+\s+(?:his|her|their))\s+(?:\w+\s+)?{_PERSON}",
        r"(?:worried|concerned|scared|afraid|frightened|fear\w*)\s+(?:about|for)\s+(?:[\w'’]+\s+){0,3}"
        r"(?:safety|life|lives|welfare)\b(?!\s+(?:choices|balance|goals|plans))",
        r"(?:is|was|are|were|it['’]?s|getting|become|becoming|been)\s+(?:\w+\s+)?dangerous\b"
        r"(?!\s+(?:to\s+(?:assume|ignore|say|think|generali[sz]e)|for\s+(?:the|our)\s+\w+))",
        rf"{_CARED}\s+{_PASSIVE}(?:neglected|ignored|starved|dropped|left\s+(?:\w+\s+)?{_LEFT})",
        rf"left\s+(?:\w+\s+){{0,2}}{_LEFT}",
        r"neglectful",
        r"(?:are|were|being|been)\s+(?:\w+\s+)?neglected",
        rf"{_CARED}\s+(?:are|were|is|was|aren['’]t|weren['’]t|isn['’]t|wasn['’]t)\s+(?:not\s+)?"
        rf"(?:being\s+)?(?:fed|washed|turned|changed|helped)\b",
        r"(?:nobody|no\s+one)\s+(?:answered|responded\s+to|came\s+to)\s+(?:the|her|his|their|a)\s+"
        r"(?:call\s+)?bells?",
        rf"{_CARED}\s+{_PASSIVE}given\s+(?:the\s+)?wrong",
        rf"given\s+(?:(?:someone|somebody|another\s+(?:patient|person|resident)|a\s+different"
        rf"\s+(?:patient|person))\s*(?:else)?['’]?s?\s+){_MEDICINE}",
        rf"wrong\s+(?:\w+\s+)?(?:{_MEDICINE}|patient|site|limb|side|leg|arm|eye|kidney|baby|operation|procedure|surgery|milk"
        rf"|feed|formula|food|diet|fluids|oxygen)",
        r"(?:gave|given|giving)\s+(?:\w+\s+){0,2}(?:an?\s+)?(?:overdose|ten\s+times|double|too\s+much)",
        rf"ignor\w*\s+(?:(?:a|the)\s+)?(?:\w+\s+)?(?:{_CARED_FOR}['’]s|his|her|their)\s+(?:concerns|pain"
        rf"|symptoms|calls?|requests|pleas|cries|worries)",
        r"(?:lied|lying|lies)\s+about\s+(?:\w+\s+){0,3}(?:obs|observations|checks|notes|records"
        r"|medication|drugs|doses?|rounds|scans|results|incident|fall|error|mistake)",
        r"(?:told|asked|made|forced|pressured|pressuri[sz]ed|instructed)\s+(?:\w+\s+){0,2}to\s+(?:change"
        r"|alter|amend|rewrite|delete|backdate|falsify|destroy|shred)\s+(?:the\s+|his\s+|her\s+|their"
        r"\s+|my\s+|our\s+)?(?:\w+\s+)?(?:records?|notes|entries|charts?|obs|observations"
        r"|documentation|incident\s+reports?|statements?|reports?)",
        r"ignor\w*\s+(?:\w+\s+)?(?:obs|observations|NEWS\s?2?(?:\s+scores?)?|early\s+warning"
        r"|call\s+bells?|buzzers?|alarms?|bleeps?|deteriorat\w*|sepsis|red\s+flags|(?:his|her|their)"
        r"\s+(?:pain|symptoms|calls?))",
        r"died\s+(?:because|due\s+to|after\s+(?:\w+\s+){0,4}(?:ignored|missed|didn['’]?t|failed|forgot"
        r"|delayed|left|refused))",
        r"(?:avoidable|preventable|unexpected)\s+deaths?",
        r"missed\s+(?:\w+\s+){0,3}(?:sepsis|fracture|bleed|stroke|deterioration|diagnosis)",
        rf"missed\s+(?:a|the)\s+(?:deteriorating|sick|septic|dying|collapsed|unwell)\s+{_CARED_FOR}",
        r"despite\s+(?:\w+\s+){0,2}allerg\w*",
        r"(?:nobody|no\s+one|never|didn['’]?t|did\s+not)\s+(?:gave|give|offered|offer)\s+(?:him|her|them|the"
        r"\s+\w+|a\s+\w+)\s+(?:any\s+)?(?:food|fluids|water|drinks?|pain\s+relief|painkillers|medication"
        r"|insulin|antibiotics)",
        r"(?:keep|kept|keeping|stay|stayed)\s+(?:quiet|silent|schtum|it\s+quiet)\s+about\s+(?:the|an?|what"
        r"|this|that)\s+(?:\w+\s+)?(?:incident|error|mistake|fall|death|happened|abuse|assault)",
        r"(?:told|asked|warned|pressured|made)\s+(?:me|us|them|him|her|staff|everyone)\s+not\s+to\s+"
        r"(?:report|tell|say|mention|raise|datix|escalate|write)",
        r"(?:was|were|been|being|got|get)\s+(?:told|asked|instructed|pressured|warned)\s+not\s+to\s+"
        r"(?:report|tell|say|mention|raise|datix|escalate|write|record|incident\s+report)",
        r"(?:keep|kept|keeping|leave|left|leaving)\s+(?:it|this|that|the\s+\w+)\s+off\s+(?:datix|the"
        r"\s+(?:record|system|incident\s+log))",
        r"(?:datix|report|record)\w*\s+(?:it|this|that|the\s+\w+)\s+so\s+(?:that\s+)?(?:it|they|we"
        r"|nobody|no\s+one)\s+(?:wouldn['’]?t|won['’]?t|didn['’]?t|doesn['’]?t|would\s+not|will\s+not)",
        r"not\s+safe(?!\s+from\s+(?:\w+\s+)?(?:budget|cuts|redundanc\w*|restructur\w*|changes?))",
        rf"unsafe{_SPEAKING}",
        r"dangerously\s+(?:under\w+|low|short|stretched|unsafe|busy|overcrowded|full|high|close)",
        rf"(?:don['’]?t|do\s+not|didn['’]?t|never)\s+feel\s+safe{_SPEAKING}",
        rf"(?:someone|somebody)\s+else['’]?s\s+(?:\w+\s+)?{_MEDICINE}",
        rf"another\s+(?:patient|person|resident)['’]?s\s+(?:\w+\s+)?{_MEDICINE}",
        r"(?:altered|doctored|tampered\s+with)\s+(?:the\s+|his\s+|her\s+|their\s+|a\s+)?(?:\w+\s+)?"
        r"(?:records?|notes|entries|charts?|obs|observations|documentation|prescriptions?)",
        r"(?:changed|altered|amended|rewr[io]te|rewritten|doctored|tamper\w*\s+with|backdat\w*"
        r"|deleted|destroyed|shredded)\s+(?:the\s+|his\s+|her\s+|their\s+|some\s+)?(?:\w+\s+)?"
        r"(?:records?|notes|entries|charts?|obs|observations|documentation|incident\s+reports?)\s+"
        r"(?:after|to\s+(?:hide|cover)|so\s+(?:that\s+)?(?:no\s*one|nobody|it|they|he|she))",
        r"backdat(?:ed|ing)\s+(?:the\s+|his\s+|her\s+)?(?:\w+\s+)?(?:records?|notes|entries|charts?)",
        r"dangerous(?:ly)?\s+(?:practice|care|staffing|levels?|situation"
        r"|behaviou?r|conditions?|driving|doctor|nurse|surgeon)",
        r"falsif\w+",
        r"fabricat\w+\s+(?:the\s+)?(?:records?|notes|results|data|obs|observations)",
        r"(?:made|making)\s+up\s+(?:the\s+)?(?:obs|observations|notes|records|results)",
        r"cover(?:ed|ing|s)?\s+(?:it\s+|this\s+|that\s+|the\s+\w+\s+)?up",
        r"wrong\s+(?:drug|dose)",
    ),
    Kind.IMPAIRED: _pattern(
        rf"(?:turn(?:s|ed|ing)?\s+up|c[ao]m(?:e|es|ing)|arriv\w+|show(?:s|ed|ing)?\s+up|rock(?:s|ed)?"
        rf"\s+up|work(?:s|ed|ing)?|operat(?:e|es|ed|ing)|driv(?:e|es|ing)|on\s+shift|at\s+work)"
        rf"\s+(?:(?:in|to|for|at|on)\s+)?(?:{_AT_WORK}\s+)?(?:\w+\s+)?{_IMPAIRED}",
        rf"{_IMPAIRED}\s+(?:\w+\s+){{0,2}}(?:(?:at|on|during|in|for|before|while)\s+){_AT_WORK}",
        r"(?:smel\w*|reek\w*|stank|stink\w*)\s+(?:strongly\s+)?of\s+(?:alcohol|booze|drink|beer|wine"
        r"|spirits|vodka|cannabis|weed)",
        r"alcohol\s+on\s+(?:his|her|their)\s+breath",
        rf"(?:drink(?:s|ing)?|drank|taking\s+drugs|took\s+drugs|using\s+(?:drugs|cocaine|coke)"
        rf"|snort\w*\s+\w+)\s+(?:(?:in|at)\s+(?:the|a)\s+(?:\w+\s+)?\w+\s+)?"
        rf"(?:(?:at|on|during|before|in)\s+){_AT_WORK}",
        rf"{_WORKER}\s+(?:was|is|seemed|looked|appeared|has\s+been"
        rf"|had\s+been|sounded)\s+(?:clearly\s+|obviously\s+|visibly\s+|really\s+)?{_IMPAIRED}"
        rf"(?!\s+at\s+(?:the|a|our|his|her)\s+(?:\w+\s+)?(?:party|do|wedding|pub|bar|dinner|night))",
    ),
    Kind.CONFIDENTIALITY: _pattern(
        rf"(?:post(?:s|ed|ing)?|leak(?:s|ed|ing)?|screenshot\w*|photograph\w*|(?:took|taken|taking"
        rf"|take)\s+(?:a\s+)?(?:photos?|pictures?|pics|selfies?|videos?)\s+(?:of|with))\s+(?:\w+\s+){{0,2}}"
        rf"{_PATIENT_THING}",
        rf"(?:took|taken|taking|take)\s+(?:a\s+)?(?:photos?|pictures?|pics|selfies?|videos?)\s+of\s+"
        rf"{_CARED}",
        rf"(?:shar|sen[dt]|forward|email|text|show|upload|put|pass|gossip|talk|discuss|disclos|told"
        rf"|tell)\w*\s+(?:\w+\s+){{0,3}}{_PATIENT_THING}\s+(?:\w+\s+){{0,4}}(?:on|in|to|with|at|into"
        rf"|about\s+\w+\s+(?:on|in|with))\s+(?:(?:a|the|our|his|her|their|my)\s+)?{_BAD_PLACE}",
        rf"(?:told|tell\w*|show\w*|sen[dt]\w*|gossip\w*\s+with)\s+(?:(?:his|her|their|my)\s+)?"
        rf"(?:friends|family|mates|wife|husband|partner|neighbou?rs?)\s+(?:\w+\s+){{0,2}}(?:about\s+)?"
        rf"{_PATIENT_THING}",
        rf"{_PATIENT_THING}\s+(?:\w+\s+){{0,4}}without\s+(?:\w+\s+)?(?:consent|permission)",
        r"(?:look(?:s|ed|ing)?\s+up|access\w*|snoop\w*|read(?:s|ing)?|open(?:s|ed|ing)?)\s+"
        r"(?:\w+\s+){0,3}(?:records|notes|files|results|scans?)\s+(?:of\s+)?(?:\w+\s+){0,3}"
        r"(?:without|out\s+of\s+curiosity|for\s+no\s+reason|(?:friend|neighbou?r|ex|partner"
        r"|celebrity|colleague|relative|family)\w*)",
        r"(?:look(?:s|ed|ing)?\s+(?:up|into|through)|access\w*|snoop\w*(?:\s+(?:in|on|through|into))?)"
        r"\s+(?:(?:his|her|their|a|my)\s+)?(?:ex[\s-]?)?(?:friend|neighbou?r|ex|partner|husband|wife"
        r"|celebrity|colleague|relative|family\s+member|boss|manager|mum|dad|sister|brother)\w*['’]?s?"
        r"\s+(?:\w+\s+)?(?:records|notes|files|results|scans?|data)",
        r"(?:confidentiality|data)\s+breach\w*",
        r"breach(?:ed|es|ing)\s+(?:of\s+)?(?:patient\s+)?"
        r"confidentiality",
        r"(?:broke|broken|breaking)\s+(?:patient\s+)?confidentiality\s+(?:by|when)",
    ),
    Kind.SEXUAL: _pattern(
        r"sexual(?:ly)?\s+(?:comments?|remarks?|jokes?|advances?|harass\w*|assault\w*|explicit"
        r"|inappropriate|misconduct|innuendo|touch\w*|contact|messages?|texts?|photos?|images?"
        r"|favours?|propos\w*|abus\w*|exploit\w*|relationship)",
        r"(?:explicit|nude|naked|indecent|pornographic|sexy|dirty)\s+(?:\w+\s+)?(?:photos?|pictures?"
        r"|pics|images?|videos?|selfies?|messages?|texts?)",
        r"nudes",
        r"dick\s+pics?",
        r"(?:made|make|making)\s+a\s+pass\s+at",
        r"came\s+on\s+to\s+(?:me|her|him)",
        r"proposition(?:ed|ing|s)",
        r"grop(?:e|es|ed|ing)",
        r"molest\w*",
        r"rap(?:e|ed|es|ing)",
        r"flash(?:ed|es|ing)\s+(?:at\s+)?(?:me|her|him|them|us|patients?)",
        r"exposed\s+(?:him|her)self",
        rf"(?:inappropriate(?:ly)?\s+touch\w*|touch(?:ed|es|ing)?\s+(?:\w+\s+)?{_PERSON}\s+"
        rf"(?:up|inappropriately|without|under|between|on\s+{_WHOSE}\s+{_BODY}))",
        rf"(?:tried|try|trying|tries)\s+to\s+kiss\s+{_PERSON}",
        rf"kiss(?:ed|es|ing)\s+{_PERSON}\s+"
        rf"(?:without|against)",
        rf"comment(?:s|ed|ing)?\s+(?:about|on)\s+{_WHOSE}\s+(?:body|breasts|chest|legs|bum|bottom"
        rf"|figure|cleavage)",
        r"(?:relationship|affair|sex|sleeping|slept)\s+with\s+(?:a|an|one\s+of"
        r"\s+(?:his|her|their|the|our))\s+(?:\w+\s+)?(?:patients?|residents?|service\s+users?|clients?)",
        r"inappropriate(?:ly)?\s+(?:contact|relationship|images?|photos?|messages?|texts?)",
        r"upskirt\w*",
        rf"ask\w*\s+{_PERSON}\s+for\s+(?:sex|sexual\s+favours|nudes|naked|explicit)",
        r"(?:lewd|crude|smutty|suggestive|sleazy|creepy|dirty)\s+(?:\w+\s+)?(?:comments?|remarks?|jokes?"
        r"|messages?|texts?|photos?|pictures?|gestures?)",
        r"(?:touch|grop|strok|rubb?|squeez|pinch|slap|grabb?)\w*\s+(?:my|her|his|their|(?:a|the)\s+(?:\w+\s+)?"
        r"(?:patient|resident|student|nurse|child)['’]s)\s+(?:thighs?|breasts?|bottom|bum|backside|chest"
        r"|crotch|groin|legs?|waist|bum)",
        rf"ask(?:s|ed|ing)?\s+{_CARED}\s+out",
        rf"dat(?:ing|ed|es)\s+{_CARED}",
        rf"(?:messag|text|dm|friend|follow|add)\w*\s+{_CARED}\s+on\s+(?:\w+\s+)?(?:facebook|instagram"
        rf"|whats\s?app|snapchat|tik\s?tok|social\s+media|tinder|dating|(?:his|her|their)\s+personal)",
        r"sext\w*",
        # Touching that goes on, or is not wanted: "keeps touching my arm", "hand on my knee".
        r"(?:keeps?|kept|keeping)\s+(?:on\s+)?(?:touching|stroking|rubbing|hugging|kissing|grabbing"
        r"|putting\s+(?:his|her|their)\s+(?:hands?|arms?)\s+(?:on|round|around))",
        rf"(?:hands?|arms?)\s+(?:on|round|around|up)\s+{_WHOSE}\s+(?:knees?|thighs?|legs?|waist|bottom"
        rf"|bum|backside|hips?|lap|breasts?|chest|skirt|dress)",
        r"touch(?:ed|es|ing)?\s+(?:me|her|him|my\s+\w+)\b(?:\W+\w+){0,6}?\W+(?:(?:it|this|that|and)\s+)*"
        r"(?:(?:makes?|made|making)\s+(?:me|her|him)\s+(?:feel\s+)?(?:\w+\s+)?(?:uncomfortable|uneasy"
        r"|scared|sick)|I\s+(?:don['’]?t|do\s+not|didn['’]?t|did\s+not)\s+(?:like|want)\s+(?:it|that|this))",
        r"unwanted\s+(?:touch\w*|contact|hugs?|kiss\w*|advances?|attention)",
        r"(?:said|says|saying|remarks?|remarked|comments?|commented|jok\w+|talk\w*)\s+(?:\w+\s+)?about\s+"
        r"(?:my|her|his)\s+(?:body|breasts?|boobs|chest|bum|bottom|backside|legs|figure|cleavage|lips)",
        r"asked\s+(?:me|her|him)\s+out\s+(?:\w+\s+){0,6}(?:won['’]?t|wouldn['’]?t|doesn['’]?t|didn['’]?t"
        r"|refus\w+|again|even\s+though|after)",
        r"(?:keeps?|kept|keeping)\s+asking\s+(?:me|her|him)\s+out",
        rf"(?:been|was|is|being|gets?|got|getting)?\s*(?:\w+\s+)?inappropriate(?:ly)?\s+(?:with|towards?"
        rf"|around)\s+{_CARED}",
    ),
    Kind.ABUSE_SIGNS: _pattern(
        r"unexplained\s+(?:\w+\s+)?(?:bruis\w*|injur\w*|marks?|burns?|fractures?|bleeding|cuts)",
        r"(?:finger[\s-]?(?:tip)?|hand|belt|bite)[\s-]?(?:shaped\s+)?(?:marks?|prints?|bruis\w*)",
        r"non[\s-]accidental",
        r"(?:bruis|marks|injur|burns|fractures)\w*\s+(?:\w+\s+){0,3}(?:didn['’]?t|don['’]?t|doesn['’]?t"
        r"|did\s+not|do\s+not)\s+(?:match|fit)\s+(?:\w+\s+)?(?:story|account|explanation|history)",
        r"(?:bruis\w*|marks?|injur\w*|burns?|fractures?|cuts)\s+(?:\w+\s+){0,6}(?:nobody|no\s+one"
        r"|(?:she|he|they)\s+(?:can['’]?t|couldn['’]?t))\s+(?:could\s+|can\s+)?explain",
        r"cigarette\s+burns?",
        r"black\s+eyes?",
        r"(?:scared|afraid|frightened|terrified)\s+(?:of\s+going|to\s+go)\s+home",
        r"(?:scared|afraid|frightened|terrified)\s+of\s+(?:her|his|their)\s+(?:partner|husband|wife"
        r"|boyfriend|girlfriend|dad|father|mum|mother|step\w+|carer|son|daughter|uncle)",
        r"disclos\w*\s+(?:\w+\s+)?(?:abuse|that\s+(?:she|he|they)\s+(?:was|were|is|are|had\s+been"
        r"|has\s+been)\s+(?:\w+\s+)?(?:abused|hit|raped|assaulted|beaten|hurt|touched))",
        r"coercive(?:ly)?\s+control\w*",
        rf"{_CARED}\s+{_PASSIVE}groomed",
        r"controls\s+(?:all\s+)?(?:her|his|their)\s+(?:money"
        r"|phone|finances)",
        r"(?:FGM|female\s+genital\s+mutilation)",
        r"forced\s+marriage",
        r"(?:financial(?:ly)?|sexual(?:ly)?)\s+(?:abus\w*|exploit\w*)",
        rf"exploit(?:s|ed|ing)\s+{_PERSON}",
        r"(?:tak|took|steal|stole|stolen)\w*\s+(?:\w+\s+){0,2}(?:money|cash|cards?)\s+(?:out\s+)?(?:of|from)"
        r"\s+(?:her|his|their)\s+(?:purse|wallet|handbag|bag|accounts?|bank)",
        r"(?:empt|drain|clear)\w*\s+(?:out\s+)?(?:her|his|their)\s+(?:bank\s+)?(?:accounts?|savings)",
        r"(?:dad|father|mum|mother|step\w+|partner|husband|wife|boyfriend|girlfriend|carer|uncle"
        r"|brother|sister|son|daughter)\s+(?:\w+\s+)?(?:beats|beat|hits|hit|hurts|hurt|kicks"
        r"|punches|slaps|abuses|abused|touches|touched|rapes|raped|chokes|strangles)\b",
    ),
    Kind.RESTRAINT: _pattern(
        rf"(?:tied|tying|ties|strapped|strapping|chained|handcuffed)\s+(?:{_PERSON}\s+)?(?:to|in|into"
        rf"|onto)\s+(?:(?:a|the|his|her|their)\s+)?(?:\w+\s+)?(?:bed|chair|wheelchair|cot|trolley"
        rf"|rails?|radiator|commode)s?",
        rf"(?:tied|tying|strapped|chained|handcuffed)\s+{_PERSON}\s+(?:up|down)",
        rf"lock(?:s|ed|ing)?\s+{_PERSON}\s+(?:in|into|up)\b",
        rf"lock(?:s|ed|ing)?\s+{_PERSON}\s+(?:\w+\s+){{0,3}}(?:in|into)\s+(?:the|a|his|her|their)\s+"
        rf"(?:\w+\s+)?(?:room|bedroom|bathroom|toilet|cupboard|side\s+room|cell|office|shed|car)",
        r"locked\s+(?:in\s+)?from\s+the\s+outside",
        r"against\s+(?:his|her|their)\s+will",
        r"locked\s+(?:in|into)\s+(?:(?:a|the|his|her|their)\s+(?:\w+\s+)?(?:bedroom|cupboard|toilet"
        r"|bathroom|side\s+room|cell|seclusion)|(?:his|her|their)\s+rooms?)",
        rf"restrain(?:ed|ing|s)?\s+{_PERSON}",
        rf"{_SUBJECT}\s+{_PASSIVE}(?:restrained|sedated|drugged)",
        rf"(?:held|holding|hold|pinned|pinning|sat\s+on)\s+{_PERSON}"
        rf"\s+(?:down|to)",
        r"(?:prone|face[\s-]down|unlawful|excessive|inappropriate)\s+restraint",
        r"sedat\w*\s+(?:\w+\s+){0,3}(?:to\s+keep|to\s+stop|to\s+shut|so\s+(?:she|he|they)\s+would)",
        r"covert(?:ly)?\s+(?:medicat\w*|drug\w*|sedat\w*)",
        r"crush\w*\s+(?:\w+\s+)?(?:tablets|pills|meds)\s+into\s+(?:\w+\s+)?(?:food|drinks?|tea|yoghurt)",
    ),
    Kind.DRUGS: _pattern(
        rf"(?:steal\w*|stole|stolen|pinch(?:ed|ing)|nick(?:ed|ing)|pocket(?:ed|ing)|divert(?:ed|ing)"
        rf"|swip(?:e|ed|ing)|help(?:s|ed|ing)?\s+(?:him|her|them)sel(?:f|ves)\s+to)\s+(?:[\w'’]+\s+){{0,2}}"
        rf"(?:{_CONTROLLED}|{_MEDICINE}|pills|painkillers|money|cash|valuables|jewell?e?ry)",
        rf"(?:steal\w*|stole|stolen|took|taking|takes)\s+(?:\w+\s+){{0,2}}from\s+(?:\w+\s+)?"
        rf"(?:{_CARED_FOR}|(?:the\s+)?(?:CD|drugs?|controlled\s+drugs?)\s+(?:cupboard|cabinet|trolley))",
        rf"(?:CD|controlled\s+drugs?|{_CONTROLLED})\s+(?:count|book|register|stock|check)\s+(?:\w+\s+){{0,2}}"
        rf"(?:wrong|out|short|incorrect|off)\b",
        rf"(?:took|taking|takes|take)\s+(?:\w+\s+){{0,3}}{_CONTROLLED}\s+(?:\w+\s+){{0,2}}(?:home|for"
        rf"\s+(?:him|her|them)sel(?:f|ves)|for\s+personal)",
        rf"{_CONTROLLED}\s+(?:\w+\s+){{0,3}}(?:(?:coming|came|come|comes)\s+up\s+short|unaccounted)",
        rf"{_CONTROLLED}\s+(?:\w+\s+){{0,3}}(?:went|go|goes|going|gone|are|were|is|was|keep|kept)"
        rf"\s+missing",
        rf"missing\s+(?:\w+\s+)?{_CONTROLLED}",
        rf"(?:CD|{_CONTROLLED}|drugs?)\s+(?:book|register|count|check|records?|stock)\s+(?:\w+\s+){{0,3}}"
        r"(?:doesn['’]?t|didn['’]?t|does\s+not|did\s+not|never|won['’]?t|wasn['’]?t|isn['’]?t)\s+"
        r"(?:add\s+up|balance|match|tally|reconcile)",
        r"discrepanc\w+\s+in\s+(?:the\s+)?(?:CD"
        r"|controlled\s+drugs?)(?:\s+(?:book|register|count|records?))?",
        rf"(?:tamper\w*\s+with|dilut\w*|swap\w*)\s+(?:the\s+)?(?:\w+\s+)?"
        rf"(?:{_CONTROLLED}|vials?|syringes?)",
    ),
    Kind.TOPIC: _pattern(
        r"safeguarding",
        r"abus(?:e|ed|es|ing|ive)(?!\s+by\s+(?:the\s+|my\s+|all\s+)?(?:amount|volume|number|sheer|quantity"
        r"|load|workload|inbox|emails?|meetings?|paperwork|admin|rota|IT|system|printer|computer|weather"
        r"|traffic))",
        r"assault\w*",
        r"violen(?:t|ce)",
        r"neglect\b",
        r"(?:medication|drug|prescribing)\s+errors?",
        r"patient\s+safety\s+(?:concern|issue|incident|risk|event|problem)s?",
        r"near[\s-]miss(?:es)?",
        r"never\s+events?",
        r"serious\s+incidents?",
        r"fitness\s+to\s+practi[sc]e",
        r"harm\s+to\s+(?:a\s+|the\s+)?(?:patients?|residents?"
        r"|children|babies|staff|others)",
        r"significant\s+harm",
        r"serious\s+harm",
        rf"{_PERSON}\s+(?:(?!unless\b|if\b)\w+\s+){{0,3}}(?:at\s+risk|in\s+danger){_OF_HARM}",
        r"at\s+risk\s+of\s+(?:harm|abuse|neglect|injury|death|dying|suicide)",
        rf"put\w*\s+(?:\w+\s+){{0,2}}{_PERSON}\s+(?:\w+\s+){{0,2}}at\s+risk{_OF_HARM}",
        r"in\s+(?:immediate|serious|real|grave)\s+danger",
        r"(?:a\s+)?danger\s+to\s+(?:patients"
        r"|others|him|her|them|the\s+public|staff|children|residents)",
        r"groom(?:ed|ing)\s+(?:a|the|him|her|them|children|child|young|vulnerable|patients?)",
        r"modern\s+slavery",
        r"traffick\w*",
        r"county\s+lines",
        r"cuckooing",
        r"radicali[sz]\w*",
        r"domestic\s+(?:abuse|violence)",
        r"exploitation",
        r"whistle[\s-]?blow\w*",
        r"(?:came|comes|turned\s+up)\s+(?:in|to\s+work|on\s+shift)\s+(?:drunk|intoxicated)",
    ),
    Kind.BULLYING: _pattern(
        r"bull(?:y|ies|ied|ying)",
        r"harass\w*",
        r"victimi[sz]\w*",
        r"discriminat\w*",
        r"belittl\w*",
        r"intimidation",
        rf"intimidat(?:ed|es|ing)\s+{_PERSON}",
        r"humiliation",
        rf"humiliat(?:ed|es|ing)\s+{_PERSON}",
        r"racis[mt]\w*",
        r"sexis[mt]\w*",
        r"homophob\w*",
        r"transphob\w*",
        r"misogyn\w*",
        rf"shout(?:s|ed|ing)?\s+at\s+{_PERSON}",
        r"scream(?:s|ed|ing)?\s+at",
        r"swor?e\s+at\s+(?:me|her|him|them|us)",
        r"threaten\w*",
        r"(?:afraid|scared|frightened)\s+of\s+(?:him|her|them|my|our|the)",
        r"(?:picked|picks|picking)\s+on\s+(?:me|her|him|them|us)",
        r"singled\s+(?:me|her|him)\s+out",
        rf"(?:mock|ridicul)\w*\s+{_PERSON}",
        r"made\s+fun\s+of",
        r"stalk(?:s|ed|ing)",
        r"gaslight\w*",
        r"undermin\w*\s+(?:me|her|him|them)\s+in\s+front",
        r"(?:won['’]?t|wouldn['’]?t|doesn['’]?t|does\s+not|will\s+not|refus\w+\s+to)\s+take\s+no\s+for"
        r"\s+an\s+answer",
        r"(?:keeps?|kept|keeping|always|constantly)\s+\w+ing\s+(?:me|her|him)\b(?:\W+\w+){0,8}?\W+"
        r"(?:(?:it|this|that|and)\s+)*(?:(?:makes?|made|making)\s+(?:me|her|him)\s+(?:feel\s+)?(?:\w+\s+)?"
        r"(?:uncomfortable|uneasy|scared|unsafe|sick)|I\s+(?:don['’]?t|do\s+not)\s+(?:like|want)\s+it)",
        r"(?:won['’]?t|wouldn['’]?t|doesn['’]?t|will\s+not)\s+leave\s+(?:me|her|him)\s+alone",
        r"(?:keeps?|kept|keeping)\s+(?:messag|text|call|ring|phon|send)\w*\s+(?:me|her|him)\b(?:\W+\w+){0,3}?"
        r"\s+(?:at\s+night|late|in\s+the\s+night|at\s+weekends|on\s+my\s+personal)",
        r"(?:messag|text|call|ring|phon|dm|snapchat|whatsapp)\w*\s+(?:me|her|him)\s+(?:\w+\s+){0,2}(?:late"
        r"\s+at\s+night|in\s+the\s+middle\s+of\s+the\s+night|at\s+\d+\s*am|non[\s-]?stop)",
        r"(?:been|was|is|being|gets?|got|getting)\s+(?:\w+\s+)?inappropriate(?:ly)?\s+(?:with|towards?"
        r"|around)\s+(?:me|her|him|us|them)",
    ),
}

# Care that failed, said in clinical shorthand: "6 hrs on a trolley", "no one escalated",
# "nobody came", "wasn't escalated", "missed obs". Said bare, these words are as often about
# meetings or paperwork, so they count only where the text is about someone in care (a patient,
# a trolley, a bay, obs: ``_IN_CARE``).
_HOURS = (
    r"(?:(?:over|more\s+than|nearly|almost|at\s+least|about|around|like)\s+)?"
    r"(?:\d+(?:\.\d+)?\+?|a\s+few|several|many|two|three|four|five|six|seven|eight|nine|ten"
    r"|eleven|twelve)\s*(?:hrs?|hours?)"
)
_FOR_HOURS = rf"(?:{_HOURS}|hours|ages|all\s+night|overnight|all\s+day)"
_WAITED_WHERE = _any(
    r"on\s+(?:a|the)\s+trolley", r"on\s+(?:a|the)\s+floor",
    r"in\s+(?:a|the|our|their|his|her)\s+(?:\w+\s+)?corridor",
    r"without\s+(?:any\s+)?(?:obs|observations|food|fluids|water|a\s+drink|pain\s+relief|analgesia"
    r"|meds|medication|insulin|antibiotics|a\s+review|being\s+(?:seen|reviewed|checked|turned"
    r"|fed|washed|changed))",
    r"in\s+(?:pain|agony|(?:their|his|her)\s+own)", r"unattended",
)  # fmt: skip
_CARE_FAILED = _pattern(
    rf"{_HOURS}\s+(?:\w+\s+){{0,2}}?{_WAITED_WHERE}",
    rf"{_WAITED_WHERE}\s+(?:\w+\s+){{0,3}}?for\s+{_FOR_HOURS}",
    rf"(?<!\bI\s)(?<!\bwe\s)(?:wait(?:s|ed|ing)?|sat|sitting|lying|lay|left|stuck|kept)\s+"
    rf"(?:there\s+)?(?:for\s+)?{_HOURS}",
    r"(?:nobody|no\s+one|no-one)\s+(?:had\s+|has\s+|ever\s+|even\s+)?(?:escalated|came"
    r"(?:\s+to\s+(?:see|help|check|assess|review))?|checked|responded|answered|reviewed)"
    r"(?!\s+(?:to|up|back|round|along|forward|across|over|in|out|on)\b)",
    r"(?:was(?:n['’]?t|\s+not)|were(?:n['’]?t|\s+not)|(?:has|have)(?:n['’]?t|\s+not)\s+been"
    r"|never\s+(?:been\s+|got\s+)?|not)\s+escalated",
    r"(?:didn['’]?t|did\s+not|never|failed\s+to|forgot\s+to)\s+escalate"
    r"(?=\s*(?:$|[,.;!?]|and\b|but\b|it\b|this\b|that\b|to\b))",
    r"missed\s+(?:(?:his|her|their|the|all|two|three|several|\d+)\s+)?(?:\w+\s+)?(?:obs"
    r"|observations|NEWS\s?2?|doses?|insulin|antibiotics|turns|feeds?)",
    r"(?:obs|observations|turns|doses?|insulin|antibiotics)\s+(?:were\s+|was\s+|got\s+|been\s+)?"
    r"(?:missed|not\s+done|never\s+done|skipped)",
    r"no\s+(?:obs|observations)\s+(?:done\s+)?(?:for|since|in)\s+",
)
_IN_CARE = re.compile(
    rf"\b(?:{_CARED_FOR}|pts?|lady|gentleman|pain\s+relief|analgesia|trolley|obs|observations|bay"
    r"|beds?|cubicle|call\s+bells?|buzzer|resus|A&E|ED|majors|triage|ambulance|NEWS\s?2?"
    r"|deteriorat\w*)\b",
    re.I,
)


# -- what makes a match talk rather than a report ------------------------------------------------

# The match is the name of a subject: "safeguarding training", "bullying policy".
_TOPIC_NOUNS = (
    r"training|policy|policies|culture|module|course|workshop|webinar|lecture|teaching|session"
    r"|framework|strategy|agenda|audit|project|programme|program|lead|leads|team|committee"
    r"|champion|update|refresher|e-?learning|level \d|awareness|week|day|conference|talk"
    r"|presentation|reduction|minimi[sz]ation|prevention|register|review|standards?|metrics?"
    r"|data|initiative|improvement|qi|priorit(?:y|ies)|theme|topic|competenc(?:y|ies)"
    r"|panel|hearing|board|forum|network|group|huddle|report|reports|investigation|process"
    r"|procedures?|guidance|officer|practitioner|supervision|dashboard|toolkit|plan|pathway"
    r"|simulation|scenario|case study|framework|lessons|learning|tribunal|meeting|papers|paperwork"
    r"|bundle|documents?|trends?|figures|numbers|rates?|statistics|stats|themes?|counts?"
)
_NEUTRAL_AFTER = re.compile(
    rf"[\s-]*(?:and\s+\w+[\s-]+)?(?:(?!(?:on|in|at|of|to|the|a|an|with|by|from|for|and|or|is|was"
    rf"|are|were|all|every|each|last|this|that|next|one|some|per|most|once|twice)\b)\w+[\s-]+)?"
    rf"(?:{_TOPIC_NOUNS})\b",
    re.I,
)
_NEGATED_BEFORE = re.compile(
    r"(?:\b(?:no|not|nothing|never|without|free\s+of|anti|nobody|none\s+of(?:\s+(?:the|our))?)|n['’]t)"
    r"[\s-]+(?:\w+[\s-]+)?$|\bno\s+one\s+(?:\w+\s+)?$",
    re.I,
)
# Self-harm is only taken back outright ("I'm not suicidal"): "I don't see the point in living"
# is said with a "don't" before it.
_NEGATED_SELF = re.compile(r"\b(?:not|never|no)\s+$", re.I)
# A rule about what would happen, or any case: "unless someone is at risk", "report any ...".
_HYPOTHETICAL_BEFORE = re.compile(
    r"\b(?:unless|in\s+case|in\s+the\s+event|if\s+ever|whenever|should\s+(?:someone|anyone|a"
    r"\s+patient|there|any)|except\s+(?:where"
    r"|when|if)|if\s+(?:someone|anyone|a\s+patient|there)\b|what\s+to\s+do\s+(?:if|when)"
    r"|how\s+to)(?:\W+\w+){0,6}\W*$|\b(?:any|anything|anyone|anybody|all|every|everything|whatever"
    r"|whoever)[\s-]+(?:\w+[\s-]+)?$"
    # An exception to a rule, which may list several ("except if there is a risk to patients or
    # a fitness to practise issue"), or a role play: not an event.
    r"|\b(?:except|apart\s+from|other\s+than|save\s+(?:where|for)|role[\s-]?play\w*|simulat\w*"
    r"|scenario|rehears\w*)(?:\W+\w+){0,10}\W*$",
    re.I,
)
_IF_BEFORE = re.compile(r"\bif\s+$", re.I)
_ANYONE = re.compile(r"(?:someone|anyone|a\s+patient|there)\b", re.I)
# Someone's own work on a subject (``Kind.TOPIC`` only): "I chaired the serious incident panel",
# "my role includes safeguarding adults", "working on reducing violence".
_ROLE_BEFORE = re.compile(
    r"\b(?:chair\w*|led|lead(?:s|ing)?|sat\s+on|sit(?:s|ting)?\s+on|member\s+of|attend\w*|ran"
    r"|run(?:s|ning)?|organi[sz]\w*|audit\w*|teach\w*|taught|deliver\w*|present\w*|wr[io]te"
    r"|writing|draft\w*|updat\w*|revis\w*|review\w*|investigat\w*|responsible\s+for|in\s+charge\s+of"
    r"|(?:my|our|his|her|their)\s+(?:new\s+)?(?:role|job|post|remit|portfolio|responsibilit\w+"
    r"|specialty|specialism)|(?:lead|nurse|doctor|officer|champion|manager|consultant|director"
    r"|head|practitioner|advisor|adviser)\s+for|(?:talk|session|lecture|webinar|course|module"
    r"|workshop|training|presentation|seminar|teaching|paper|article|essay)\s+(?:on|about)|work(?:s|ed|ing)?\s+(?:on|in)|as\s+(?:the|a|an)"
    r"|reduc\w*|prevent\w*"
    r"|tackl\w*|minimi[sz]\w*|lower\w*|learn\w*|spot\w*|recogni[sz]\w*|identif\w*)"
    r"\b(?:[\s,-]+\w+){0,3}[\s,-]*$",
    re.I,
)


def _reported(kind: Kind, text: str, match: re.Match[str]) -> bool:
    """Whether ``match`` reports something, rather than naming a subject or a rule."""
    before = text[: match.start()]
    if _NEUTRAL_AFTER.match(text, match.end()):
        return False
    negated = _NEGATED_SELF if kind is Kind.SELF_HARM else _NEGATED_BEFORE
    if negated.search(before) or _HYPOTHETICAL_BEFORE.search(before):
        return False
    if _IF_BEFORE.search(before) and _ANYONE.match(match.group()):
        return False
    return not (kind is Kind.TOPIC and _ROLE_BEFORE.search(before))


# Common misspellings of the words a concern is said in: "bulying", "harrassed", "inapropriate".
_SPELLINGS = [
    (re.compile(p, re.I), right)
    for p, right in (
        (r"\bbul+[iy]+in[g']?(?!\w)", "bullying"),
        (r"\bbul+[iy]+e?d\b", "bullied"),
        (r"\bbul+[iy]+e?s\b", "bullies"),
        (r"\bbul+[iy]\b", "bully"),
        (r"\bha+r+a+s+(?=\w)", "harass"),
        (r"\bdiscr[iea]m[a-z]*", "discrimination"),
        (r"\bin+a+p+r+o+p+r*i*a+t", "inappropriat"),
        (r"\bsu[ic]{1,3}d(al|e|es)\b", r"suicid\1"),
        (r"\bas+(?:au|ua)l+t", "assault"),
        (r"\bsexual+y\b", "sexually"),
        (r"\bsafe?gau?rding\b", "safeguarding"),
        (r"\bmolls?est", "molest"),
    )
]


def _spelt(text: str) -> str:
    for pattern, right in _SPELLINGS:
        text = pattern.sub(right, text)
    return text


def _describes(kind: Kind, text: str) -> bool:
    if any(_reported(kind, text, m) for m in _KINDS[kind].finditer(text)):
        return True
    return (
        kind is Kind.UNSAFE_CARE
        and _IN_CARE.search(text) is not None
        and any(_reported(kind, text, m) for m in _CARE_FAILED.finditer(text))
    )


def concern_kinds(text: str) -> list[Kind]:
    """Every kind of concern ``text`` describes, in :class:`Kind` order (empty: none)."""
    text = _spelt(text)
    return [kind for kind in Kind if _describes(kind, text)]


def names_self_harm(text: str) -> bool:
    """Whether ``text`` describes self-harm or suicidal thoughts (the writer's or another's)."""
    return _describes(Kind.SELF_HARM, _spelt(text))


def _noticed(kinds: Iterable[Kind]) -> Noticed | None:
    found = set(kinds)
    if found - {Kind.BULLYING}:
        return Noticed.SAFETY
    return Noticed.BULLYING if found else None


def notice_concern(text: str) -> Noticed | None:
    """What ``text`` seems to describe that the project lead may need to know, or None."""
    return _noticed(concern_kinds(text))


_NAMES_SAFETY = re.compile(
    r"safeguard|patient safety|fitness to practi[sc]e|unsafe|\bharm|\babus|\bat risk\b|\bdanger",
    re.I,
)


def names_safety(text: str) -> bool:
    """Whether ``text`` names a safety topic, or describes a safety concern (for someone already
    raising a concern)."""
    return _NAMES_SAFETY.search(text) is not None or notice_concern(text) is Noticed.SAFETY


_SEND_WORDS = {"send", "send it", "send it to the lead", "yes", "y", "yes please", "please"}
_KEEP_ONLY_WORDS = {"keep", "keep it", "no", "n", "no thanks", "don't send it", "do not send it"}
_KEEP_TOO_WORDS = {"yes", "y", "yes please", "keep", "keep it", "keep it there too", "ok"}
_LEAVE_OUT_WORDS = {"no", "n", "no thanks", "leave it out", "leave out", "remove it"}


def _words(text: str) -> str:
    return " ".join(text.strip().lower().split()).strip(".!")


def wants_it_sent(text: str, keep_label: str) -> bool | None:
    """True for "send it", False for "keep it" (or the dialog's ``keep_label``), else None."""
    word = _words(text)
    if word in _SEND_WORDS:
        return True
    if word in _KEEP_ONLY_WORDS or word == _words(keep_label):
        return False
    return None


def wants_it_kept(text: str, keep_label: str) -> bool | None:
    """True for "yes, keep it there too" (or ``keep_label``), False for "leave it out", else None."""
    word = _words(text)
    if word in _KEEP_TOO_WORDS or word == _words(keep_label):
        return True
    if word in _LEAVE_OUT_WORDS:
        return False
    return None

"""The safety detector (``conversations.safety``) reads the KIND of language people use, not a
fixed list of sentences: harm to patients, residents, colleagues or the writer said in everyday
words, suicidal thoughts, someone drunk at work, patient information shared, sexual misconduct,
signs of abuse, restraint, stolen drugs; and it leaves alone the leadership talk that only
sounds like harm (negated, a rule, a subject, a leader's own safety work).

The tables are the detector's contract; the transcripts check what a mentee sees in the diary
and the contract (fixed clock: Mon 23 Nov 2026)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from conversations.clock import Clock
from conversations.safety import (
    Kind,
    Noticed,
    concern_kinds,
    names_safety,
    names_self_harm,
    notice_concern,
)
from storage.db import transaction
from storage.models import DiaryEntry
from tests.transcript import Chat, channel_inbox

ASKED = "Shall I send it to the project lead now?"

# Safety concerns in everyday words: each must be noticed (urgent).
SAFETY = [
    "a carer pushed a resident",
    "the nurse shouted at an elderly patient",
    "she keeps hugging me and I have asked her to stop",
    "he waits for me outside my flat",
    "we were pressured not to report the incident",
    "patients are being harmed because we are so short staffed",
    "my dad's carer has been taking money from her purse",
    "my boss sexually harased me",
    "he keeps putting his hand on my knee",
    "my supervisor keeps stroking my hair in the office",
    "he put his hand on my thigh under the table",
    "she touched my waist and I didn't like it",
    "she followed me to my car after our last meeting",
    "he followed me home after the night shift",
    "he turned up outside my house at midnight",
    "not comfortable meeting after what she said about my body",
    "he made a joke about her breasts in handover",
    "Tom shouted at a patient and pushed her",
    "the carer yelled at a resident and shoved him",
    "my boss grabbed me",
    "the ward is so understaffed that patients are coming to harm",
    "we were told not to datix the fall so it wouldnt show up",
    "sister said to keep the error off datix",
    "a surgeon is operating while impaired",
    "the anaesthetist seemed impaired during the list",
    "an elderly patient is being financially exploited by her son",
    "her grandson has been emptying her bank account",
    "my mentor asked me out and wont take no for an answer",
    "the registrar has been inappropriate with a patient",
    "im being sexualy harrassed at work",
    "I'm worried my manager is hurting patients",
    "My mentor is hurting patients on the ward",
    "I saw a colleague slap a resident",
    "a patient was given someone else's medication and nobody noticed",
    "I'm thinking of ending it all",
    "I don't want to be here anymore",
    "some days I think everyone would be better off without me",
    "my colleague turned up drunk",
    "the registrar has been coming to work drunk",
    "a nurse smelled of alcohol on the ward",
    "my mentor shared a patient's scan in our team chat",
    "my mentor posted patient details on Facebook",
    "my manager grabbed my arm and pushed me against the wall",
    "a child on the ward had unexplained bruises",
    "an elderly patient was tied to the bed",
    "a patient died because the doctor ignored the obs",
    "a colleague was stealing controlled drugs",
    "I want to kill myself",
    "Tom hit a patient",
    "I feel unsafe around my mentor",
    "a patient was given the wrong dose and nobody reported it",
    "my mentor made a pass at me",
    "the healthcare assistant slapped an old lady on the ward",
    "one of the carers kicked a resident",
    "I saw the porter shove a patient into a wheelchair",
    "a nurse was punched by a relative last night",
    "a resident was hit by a member of staff",
    "the consultant threw a tray at me",
    "my supervisor has been hitting the residents when no one is watching",
    "he pinned her against the wall",
    "a patient was injured when staff dropped him",
    "a colleague threatened to stab me",
    "she twisted the patient's wrist",
    "someone on nights is abusing the residents",
    "the baby was shaken",
    "he spat at the student",
    "I've been having thoughts of ending my life",
    "I feel like I can't go on any more",
    "honestly I wish I was dead",
    "I keep thinking about taking an overdose",
    "my trainee told me she's been cutting her arms",
    "I've been stockpiling my tablets",
    "there's no point in living",
    "I don't want to wake up tomorrow",
    "sometimes I think about jumping off the multi-storey car park",
    "a colleague said she is suicidal",
    "I want to die",
    "I've been self-harming again",
    "the anaesthetist was clearly drunk during the list",
    "a surgeon operated hungover",
    "I could smell alcohol on her breath at handover",
    "he has been drinking on shift",
    "a colleague is taking drugs at work",
    "the night sister seemed high on something",
    "my colleague reeked of booze at the start of the shift",
    "the GP turned up intoxicated",
    "a nurse took photos of a patient's wound on her personal phone and sent them to friends",
    "my colleague screenshotted patient records and shared them",
    "someone leaked a celebrity patient's notes to the press",
    "my mentor looked up her neighbour's records",
    "a doctor accessed patient records without a reason",
    "they put the handover sheet with patient names in a WhatsApp group",
    "she has been gossiping about a patient's diagnosis with her family",
    "my mentor discussed a patient's details at the pub",
    "my mentor keeps making sexual comments about me",
    "the registrar sent me explicit photos",
    "a consultant groped a student nurse",
    "he touched me inappropriately in the office",
    "my manager tried to kiss me after the meeting",
    "a doctor is having a relationship with one of his patients",
    "he keeps commenting on my body and made comments about my breasts",
    "my mentor sent me nudes",
    "the little boy had finger-tip bruises on his arms",
    "a patient told me she is scared to go home",
    "she disclosed that she had been hit by her husband",
    "the toddler had cigarette burns",
    "the woman is terrified of her partner",
    "they locked a resident in her room overnight",
    "staff held him down and sedated him to keep him quiet",
    "the carers are crushing tablets into her food without telling her",
    "a man with dementia was strapped into his chair all day",
    "a patient was left on a trolley for nine hours",
    "a resident was left in soiled sheets all morning",
    "the nurses ignored the call bell for an hour",
    "they failed to escalate a deteriorating patient",
    "the night staff are neglecting the residents",
    "a patient died after staff missed sepsis",
    "the wrong leg was operated on",
    "the morphine keeps going missing on nights",
    "a nurse took oramorph home",
    "the CD book doesn't add up",
    "someone has been diluting the fentanyl",
    "I think a carer is stealing money from the residents",
    "there's a safeguarding issue with one of our patients",
    "I think a colleague is a danger to patients",
    "I want to whistleblow about the ward",
    "we had a never event on the ward last week",
    "my manager covered up the mistake",
    "a colleague falsified the observations",
    "a patient is in immediate danger",
    "patients are being put at risk by the new rota",
    "I think the night nurse is hurting the residents",
    "a healthcare assistant was rough with a patient and bruised her arm",
    "my colleague smacked a child in the waiting room",
    "the charge nurse hit an elderly man",
    "I witnessed a carer slapping a resident with dementia",
    "he punched the wall and then punched a colleague",
    "she kicked a patient who was on the floor",
    "my manager assaulted me in the car park",
    "a student was attacked by a patient's relative",
    "the patient was struck by a member of staff",
    "a resident got hit by one of the carers",
    "the doctor yanked the patient's arm",
    "he dragged the resident down the corridor",
    "a colleague shoved me into the cupboard",
    "I keep thinking about killing myself",
    "I've thought about ending my life",
    "I feel like ending it all",
    "I no longer want to live",
    "I just want to die",
    "my mentee told me she wants to end her life",
    "a junior doctor said he was going to take his own life",
    "my family would be better off without me",
    "I've started harming myself again",
    "some nights I hope I don't wake up",
    "I can't carry on living like this",
    "I don't want to be alive any more",
    "our locum came on shift drunk",
    "the surgeon was drunk in theatre",
    "I think my colleague is drinking at work",
    "the consultant smelt of alcohol during the ward round",
    "my colleague was stoned at work",
    "a paramedic turned up to work high",
    "the F1 showed up hungover and made errors",
    "the pharmacist has been under the influence on duty",
    "my mentor sent a photo of a patient's x-ray to his mates",
    "a nurse shared patient details on WhatsApp",
    "a colleague posted a picture of a patient on Instagram",
    "my manager emailed patient records to his personal email",
    "the receptionist told her friends about a patient's diagnosis",
    "she has been looking up her ex's medical records",
    "a student photographed a patient's notes",
    "he uploaded patient data to a public website",
    "my supervisor made sexual jokes about me in front of patients",
    "the consultant keeps sending me sexually explicit messages",
    "a doctor sent a nurse naked pictures",
    "he grabbed my bottom at the Christmas party",
    "my mentor has been touching me up",
    "the registrar came on to me in the on-call room",
    "a male nurse molested a patient",
    "a colleague is sleeping with a patient",
    "he exposed himself to a resident",
    "a baby on the unit has a fracture nobody can explain and unexplained injuries",
    "a child had bite marks on her back",
    "the girl disclosed abuse to me",
    "she told me she is afraid to go home",
    "she is frightened of her husband",
    "the residents are tied into their chairs",
    "staff pinned a patient down on the floor",
    "a patient with learning disabilities was locked in a side room",
    "they restrained the boy for an hour",
    "they sedate residents to keep them quiet",
    "the home is covertly medicating residents",
    "the residents are being left in wet beds",
    "an old man was left alone for hours without water",
    "they ignored his pain",
    "the doctor refused to see a deteriorating patient",
    "nobody checked on him and the nurses never turned him",
    "a patient was given ten times the dose",
    "they gave the wrong blood to a patient",
    "the team ignored the early warning score",
    "the nurse missed the signs of sepsis",
    "the patient died after they delayed treatment",
    "controlled drugs have gone missing from the ward",
    "a nurse pocketed some morphine",
    "a colleague stole painkillers from the drug trolley",
    "there is a discrepancy in the CD register again",
    "I think someone is tampering with the vials",
    "the carer has been taking money from an elderly resident",
    "I'm worried a child is being groomed",
    "I saw my manager falsify the records",
    "a colleague is making up observations",
    "the staffing is so low it's dangerous",
    "a consultant put a patient in danger",
    "I'm worried about a patient's safety",
    "there was a near miss on the ward today",
    "the unit covered up a serious incident",
    "a healthcare assistant is rough with the elderly residents",
    "I saw the registrar hit a toddler",
    "the porter was kicking a patient on the floor",
    "one of the nurses slapped a confused patient",
    "a man with dementia was punched by a carer",
    "the ward sister hurt a patient while moving her",
    "a patient got assaulted by another patient and staff did nothing",
    "the consultant has been abusive to patients",
    "my mentor keeps shoving the juniors",
    "he grabbed the student by the neck",
    "my manager threw a stapler at me",
    "I'm afraid my colleague will hurt someone",
    "the locum was drunk on shift",
    "I think the consultant is an alcoholic and comes in drunk",
    "the nurse in charge was slurring her words at handover",
    "my colleague smells of alcohol every morning",
    "a junior doctor came to work high",
    "the registrar is using cocaine at work",
    "my manager is often drunk at work",
    "the anaesthetist was under the influence during surgery",
    "a nurse posted a photo of a patient on TikTok",
    "my colleague sent pictures of a patient's wound to a WhatsApp group",
    "the doctor shared a patient's x-ray on Twitter",
    "someone leaked patient information to a newspaper",
    "my mentor accessed her neighbour's medical records",
    "a receptionist showed her husband a patient's records",
    "she discusses patients by name on social media",
    "a colleague took a selfie with a patient's body",
    "the consultant made sexual remarks to a student",
    "my supervisor sends me dirty messages",
    "a doctor touched a patient inappropriately during an examination",
    "my manager groped me in the lift",
    "a senior nurse has been propositioning the students",
    "a male carer has been having sex with a resident",
    "my colleague sent explicit pictures to a patient",
    "the consultant keeps commenting on my breasts",
    "a patient had a black eye and said she fell",
    "the child had marks on her neck that nobody could explain",
    "the resident had unexplained bruising on her arms",
    "a patient disclosed domestic abuse to me",
    "the little girl is scared to go home",
    "the resident was tied to her wheelchair",
    "they lock the residents in their rooms at night",
    "staff sat on a patient to restrain him",
    "the carers are sedating residents to keep them quiet",
    "they held the patient down and injected him",
    "the patient was restrained face down for twenty minutes",
    "morphine went missing from the CD cupboard",
    "my colleague has been pocketing patients' painkillers",
    "the controlled drugs register doesn't add up",
    "someone is stealing fentanyl patches",
    "a nurse was caught diverting opioids",
    "a carer stole a resident's jewellery",
    "a patient was left in his own faeces for hours",
    "the residents are not being fed properly and are neglected",
    "nobody answered the call bell and she fell",
    "a baby was given the wrong milk",
    "they operated on the wrong side",
    "the nurse ignored his NEWS score",
    "a patient died because nobody escalated",
    "staff are falsifying the fluid charts",
    "my manager told me to cover up the incident",
    "a child on the ward is at risk of harm",
    "I think a patient is in real danger",
    "the new consultant is a danger to patients",
    "there's a serious safeguarding concern on my ward",
    "I need to report a patient safety incident",
    "a support worker hit a man with learning disabilities",
    "I watched a nurse pinch a patient who wouldn't settle",
    "the agency carer is rough handling the residents",
    "my boss slammed me against the door",
    "a visitor attacked one of our nurses",
    "he headbutted a security guard and then a nurse",
    "the doctor was verbally and physically abusive to a patient",
    "a patient was scalded in the bath",
    "an older patient was dropped during a hoist transfer",
    "my supervisor turned up to clinic drunk",
    "the GP smelled of booze this morning",
    "a colleague was hungover on the ward",
    "my registrar drinks on nights",
    "a colleague uploaded patients' photos to her Instagram",
    "the team leader forwarded patient details to his personal email",
    "she screenshotted the patient list and sent it to her sister",
    "a nurse was snooping in her ex-partner's records",
    "my mentor asked me for sexual favours",
    "the consultant made sexually inappropriate comments",
    "he groped a nurse at the nurses' station",
    "she sent me a nude photo",
    "he tried to kiss a student",
    "a resident has bruises nobody can explain",
    "the boy told me his dad beats him",
    "she disclosed sexual abuse",
    "the patient was strapped to the bed all night",
    "they locked him in the side room",
    "the nurses restrained a patient without reason",
    "the residents are given sedatives to keep them quiet",
    "a colleague was stealing oramorph",
    "the fentanyl count doesn't match",
    "we keep finding missing morphine",
    "a patient was left without pain relief all night",
    "the night staff didn't check on the patients",
    "nobody turned him for two days and he got pressure sores",
    "a patient was sent home with someone else's tablets",
    "the wrong patient was taken to theatre",
    "a baby died because staff ignored the monitor alarms",
    "my colleague changed the records after the patient died",
    "the ward is dangerously understaffed",
    "I don't feel safe at work",
    "a patient was put at risk by a delayed transfer",
    "she told me she feels unsafe walking to the car park at night",
    "a bank nurse smacked a child's hand hard",
    "the carer force-fed a resident",
    "I saw a doctor strike an elderly patient",
    "a nurse has been slapping patients with dementia",
    "he kicked my colleague in the stomach",
    "the surgeon turns up smelling of drink",
    "I'm sure the charge nurse was drunk during the night shift",
    "a colleague keeps vodka in her locker and drinks on duty",
    "my colleague put a photo of a patient in the group chat",
    "a doctor shared a video of a patient on Snapchat",
    "my mentor talks about patients by name in the pub",
    "a consultant emailed a patient's results to his friend",
    "my manager makes sexual jokes about the nurses",
    "a colleague sent me a sexually explicit video",
    "the registrar asked a patient out on a date",
    "a locum has been messaging a patient on Facebook",
    "a child in clinic said her stepdad hurts her",
    "a woman in ED had injuries that didn't match her story",
    "the residents' doors are locked from the outside at night",
    "a patient was held down and given an injection against his will",
    "a nurse was caught taking morphine from the CD cupboard",
    "the diazepam stock keeps coming up short",
    "a patient was left in a corridor for twelve hours",
    "a patient fell and nobody checked on her for hours",
    "the midwife ignored a mother's concerns and the baby died",
    "a colleague lied about doing the observations",
    "my manager told us to alter the incident report",
    "Tom slapped a patient yesterday",
    "i think my colleague is abusing a resident",
    "A carer was hitting an old man in the lounge",
    "one of our nurses has been physically rough with patients",
    "the surgeon punched a trainee in theatre",
    "my manager grabbed me by the wrist",
    "a patient was kicked by a healthcare assistant",
    "the F2 was clearly intoxicated on the ward round",
    "our consultant often comes to work smelling of alcohol",
    "my mentor was drinking in the staff room during his shift",
    "a nurse shared a patient's photo on her Facebook page",
    "my colleague forwarded a patient's scan to her husband",
    "the registrar texted pictures of a patient to his friends",
    "she told her partner all about a famous patient's diagnosis",
    "he made lewd comments about a student nurse",
    "my boss sent me pornographic images",
    "the consultant touched my thigh under the table",
    "a porter sexually assaulted a patient",
    "a teenager told me her boyfriend hits her",
    "the baby had bruises on its face nobody could explain",
    "the child said he is scared of his dad",
    "a resident was tied to a chair with a sheet",
    "the staff locked a man with dementia in the bathroom",
    "they pinned him to the floor for ages",
    "a nurse took a box of morphine ampoules home",
    "the controlled drug count has been wrong three times",
    "a patient was left sitting in urine for hours",
    "nobody gave her any fluids for two days",
    "a patient was given penicillin despite his allergy",
    "the team missed a deteriorating patient overnight",
    "the doctor falsified the death certificate",
    "my manager wants me to keep quiet about the incident",
    "my mentor has been hurting a vulnerable adult",
    "the matron physically assaulted a cleaner",
    "a patient was smothered with a pillow",
    "a healthcare assistant bit a resident",
    "my colleague was wasted at work",
    "the registrar seemed drunk at the start of his shift",
    "a nurse sent a photo of a patient's wound to her WhatsApp group",
    "my mentor posted a patient's x-ray on Twitter",
    "he made comments about my body",
    "my manager keeps asking me for sex",
    "a doctor is in a sexual relationship with a patient",
    "the toddler had unexplained burns",
    "a resident told me a carer hits her at night",
    "patients are tied to their beds at night",
    "they lock the patients in at night",
    "morphine is going missing",
    "my colleague steals drugs from work",
    "a patient was left on the floor after a fall",
    "the team ignored the sepsis alert",
    "a patient had the wrong operation",
    "my manager altered the drug chart",
    "I'm frightened for my patients' safety",
]

# Bullying and harassment: noticed, not urgent.
BULLYING = [
    "my mentor is bullyin me",
    "i am being discriminted against",
    "he keeps sending me messages at night",
    "she wont leave me alone",
    "my mentor is bulying me",
    "my manager bullys me every day",
    "im being harrassed by my mentor",
    "tom has been really inappropriate with me",
    "my mentor keeps messaging me late at night and it makes me uncomfortable",
    "my manager keeps texting me at 2am",
    "he won't take no for an answer about the extra shifts",
    "my mentor is bullying me",
    "my manager keeps picking on me",
    "the consultant humiliated me in front of the team",
    "I'm being harassed by a colleague",
    "he made fun of my accent in front of everyone",
    "my supervisor keeps belittling me in meetings",
    "the consultant made racist comments about a nurse",
    "I've been victimised since I spoke up",
    "he screams at the juniors",
    "she threatened to get me sacked",
    "a colleague is stalking me after work",
    "my manager keeps undermining me in front of patients",
]

# Leadership talk that only sounds like harm: saved without a question.
ORDINARY = [
    "i cant see the point of the new rota any more",
    "i dont see the point in any of it, the audit is a tick-box",
    "there's no point in anything we plan without a budget",
    "i feel like ending it with my current job",
    "nobody would notice if I left the meeting early",
    "the board pushed back on my paper",
    "I was grabbed for a quick chat after the meeting",
    "i cant go on like this with my workload",
    "I want it all to stop being so chaotic",
    "everything is confidential other than safeguarding concerns",
    "everything is confidential except if there is a risk to patients or a fitness to practise issue",
    "confidential apart from anything involving abuse or harm to patients",
    "agreed I would report the near miss trends to the board",
    "we looked at the serious incident figures for the quarter",
    "still feeling unsafe presenting to the board, need more practice",
    "I don't feel safe speaking up in the exec meeting yet",
    "we role played a conversation about a staff member under the influence at work",
    "we rehearsed how to handle a colleague who turned up drunk",
    "i felt abused by the amount of email this week lol",
    "I felt abused by my inbox after annual leave",
    "the board pushed me hard and I grew from it",
    "my team keeps asking me for feedback and I like it",
    "I'm working with hearing impaired patients on the new leaflet",
    "thinking of ending it with the old rota system",
    "the project followed me to my new role",
    "no patients were harmed during the change",
    "my goal is to reduce harm from falls on the ward",
    "we discussed the harm-free care dashboard",
    "the project is in danger of slipping",
    "confidential, except where there is a risk of harm",
    "we will break confidentiality only if a patient is in danger",
    "we agreed to report any patient safety concerns through Datix",
    "I chaired the serious incident panel",
    "my role includes safeguarding adults",
    "working on reducing violence and aggression against staff",
    "Discussed my fitness to practise hearing as a panel member",
    "nobody came to harm",
    "no one was hurt in the fire drill",
    "the audit found that no residents were harmed",
    "the patient was not harmed",
    "luckily none of the patients were hurt",
    "I didn't hurt anyone's feelings, I hope",
    "what we discuss stays between us, unless someone is at risk",
    "we will tell the lead if anyone is in danger",
    "confidentiality applies except when a patient could be harmed",
    "we agreed what to do if a patient discloses abuse",
    "how to spot signs of abuse was the theme of the session",
    "I will report any safeguarding concerns to the lead",
    "in case someone is at risk we call the safeguarding team",
    "I led the serious incident investigation for the trust",
    "I sit on the safeguarding children board",
    "my job is safeguarding children across the county",
    "I presented our violence reduction work to the board",
    "we ran a workshop on preventing abuse in care homes",
    "I'm the named nurse for safeguarding",
    "as a member of the fitness to practise panel I heard two cases",
    "we wrote the domestic abuse policy",
    "I attended the modern slavery awareness session",
    "our harm to patients dashboard is improving",
    "the news really hit me hard",
    "it hit me that I am a leader now",
    "my mentor pushed me to apply for the promotion",
    "she grabbed me for a quick chat after clinic",
    "I was hit with a huge workload this week",
    "the budget cuts hurt our plans",
    "I beat my target for the quarter",
    "we took a photo of the team at the awards",
    "she shared the rota in our team chat",
    "my mentor shared some articles on leadership",
    "I posted my reflections on the forum",
    "we shared the audit results with the board",
    "the new system shares patient records with the GP securely",
    "I've been drinking more water at work",
    "we went out for a drink after work",
    "the team was high-spirited after the launch",
    "she was high on adrenaline after the presentation",
    "I was tied up in meetings all day",
    "I was locked out of the system",
    "I feel locked in to this job",
    "I'm taking medication for my hay fever",
    "she took the drug chart to the pharmacy",
    "I left the meeting early",
    "my mentor left me to lead the huddle alone",
    "we ended things with the supplier",
    "I don't want to be here at 8am on a Saturday",
    "I don't want to live in London forever",
    "I'm dying to tell you about the new job",
    "this project is killing me",
    "I missed the deadline for the business case",
    "we need to cut waste from the theatre list",
    "the shift was exhausting but fine",
    "my confidence took a knock",
    "we talked about how to give hard feedback",
    "my mentor was great about my mistakes",
    "the board meeting was a bit of a battle",
    "we discussed the never events framework",
    "we looked at the patient safety incident response framework",
    "I reviewed the safeguarding dashboard",
    "the serious incident report is due on Friday",
    "I joined the violence prevention group",
    "ordered new bed rails for the ward",
    "the ward ran out of gloves",
    "nobody was harmed and the system worked",
    "there were no patient safety incidents this quarter",
    "the review found no evidence of harm",
    "we reduced harm from pressure ulcers by a third",
    "the ward has been harm-free for 100 days",
    "the harm free care data looks better",
    "our aim is zero harm",
    "I'm a safeguarding lead and wanted advice on delegation",
    "I'm learning to spot signs of neglect in my new role",
    "my new post covers safeguarding children",
    "the violence and aggression working group met today",
    "we're rolling out a restraint reduction programme",
    "I'm writing the trust's domestic abuse policy",
    "I deliver training on recognising abuse",
    "I've been asked to chair the never events group",
    "I reviewed two serious incidents as the investigating officer",
    "as chair of the panel I read the fitness to practise papers",
    "we discussed the patient safety strategy",
    "she talked about the freedom to speak up process",
    "the contract says we will escalate if anyone is at risk",
    "we agreed that if a patient is at risk we will tell the lead",
    "confidential unless there is a risk of serious harm",
    "everything stays between us except where someone could come to harm",
    "we'll keep notes confidential and share only if someone might be harmed",
    "in the event of a safeguarding concern we will contact the lead",
    "we'll follow the trust policy on any concerns about patient safety",
    "I worry I'm not hitting my targets",
    "the cuts hit our budget hard",
    "this year has hit everyone hard",
    "the change hurt morale a bit",
    "my back hurts after the long shift",
    "I'm punching above my weight in these meetings",
    "we need to kick off the project next week",
    "I pushed back on the deadline",
    "she pushed the idea to the board",
    "he grabbed a coffee before the meeting",
    "the team was stretched but coped",
    "I tied up loose ends before my leave",
    "the board is locked in a debate about funding",
    "we held the patients' views at the centre of the plan",
    "I shared my business case with the team",
    "we posted the job advert on social media",
    "I sent the patient survey results to my mentor",
    "we shared anonymised data in the report",
    "I took a photo of the whiteboard after the huddle",
    "my mentor took pictures of the new clinic building",
    "we had drinks after work to celebrate",
    "I'm not drinking at the moment",
    "I smelled coffee in the office all morning",
    "I'm on a high after the interview",
    "she was on a high after the launch",
    "I'm dying to get started on the project",
    "I'd kill for a day off",
    "the workload is killing me",
    "I could have died of embarrassment in that meeting",
    "I want to end the year on a high",
    "we're ending the pilot in March",
    "I don't want to be here forever, I want promotion",
    "I'm taking my medication as usual",
    "the pharmacy took the stock check seriously",
    "we counted the controlled drugs at handover as usual",
    "I left my bag on the ward",
    "I was left to run the clinic alone",
    "my manager left me out of the email",
    "the patients were kept informed throughout",
    "patients were given leaflets about the change",
    "a patient gave us lovely feedback",
    "the kids' ward had its open day",
    "I've been ignoring my emails",
    "I feel ignored by my manager sometimes",
    "I neglected my reading this week",
    "I dropped the ball on the rota",
    "we discussed suicide prevention training",
    "the mental health team runs a self-harm awareness session",
    "my mentee is writing about sexual harassment policy",
    "we looked at the data breach procedure",
    "the audit of CD records was fine",
    "I had a difficult conversation with a patient's family",
    "a patient complained about waiting times",
    "I saw a patient die peacefully with her family there",
    "the elderly patient died after a long illness",
    "I was really touched by the thank-you card",
    "she touched on the restructure in her talk",
    "I'd like to tackle abuse of the booking system",
    "the new rota puts me at risk of burnout",
    "no patient came to any harm",
    "none of the residents were hurt when the alarm went off",
    "the incident caused no harm",
    "there were no falls and no harm this month",
    "the ward's harm free days are up",
    "we want to minimise harm from delays",
    "preventing harm from medication errors is my QI project",
    "I'm writing a paper on violence against NHS staff",
    "I teach the safeguarding module to students",
    "I chair the patient safety group",
    "I'm the trust lead for restraint reduction",
    "my remit covers abuse prevention in care homes",
    "I investigated a serious incident as part of my role",
    "I sat on a fitness to practise panel last week",
    "we agreed to flag any safeguarding concerns to the lead",
    "we'll break confidentiality only if someone is at risk of harm",
    "we keep things confidential unless someone is in danger",
    "if anyone is at risk I will tell the lead",
    "the mentoring contract covers what to do if someone is hurt",
    "what stays confidential: everything except safety concerns",
    "my mentor pushed me out of my comfort zone",
    "I grabbed the chance to lead the project",
    "the news about the restructure hit the team hard",
    "I hit my targets this quarter",
    "she kicked off the meeting with a great story",
    "we beat the deadline by a week",
    "the team has been hit by sickness",
    "I was hurt not to be asked",
    "I feel hurt by the feedback",
    "the change was a bit of a punch in the gut",
    "this rota will be the death of me",
    "I'm dying for the weekend",
    "I would kill for a coffee",
    "she's ending her secondment in May",
    "I want to take my career to the next level",
    "I've been cutting my hours",
    "we went for drinks on Friday",
    "my colleague is drinking less coffee",
    "I got high marks in my leadership course",
    "the stakes are high on this project",
    "we shared our rota on the team chat",
    "I shared the patient survey results with the board",
    "I posted about our award on LinkedIn",
    "I took photos of the new signage",
    "we emailed the audit results to the governance team",
    "I looked up the guidance on delegation",
    "I accessed the leadership course online",
    "he made a sexual health clinic business case",
    "she touched base with me on Monday",
    "he's been very touchy about his budget",
    "we tied the project to the trust's strategy",
    "I'm locked into a two year contract",
    "the staff held a vigil for a colleague",
    "we restrained ourselves from changing too much at once",
    "the pharmacy stock check went well",
    "we had a discrepancy in the budget",
    "I took my annual leave",
    "I left the ward in good hands",
    "my mentor left early",
    "I ignored the negative comments online",
    "we dropped the old rota",
    "I missed the team meeting",
    "the wrong room was booked for the meeting",
    "I gave the wrong date in my email",
    "the audit showed we're not safe from budget cuts",
    "we reviewed the near miss log",
    "I'm presenting on never events at the conference",
    "the serious incident training was useful",
    "we discussed how to recognise grooming",
    "a talk on modern slavery",
    "the project was at risk but is back on track",
    "my job is at risk in the restructure",
    "the plan put our budget at risk",
    "we're in danger of overspending",
    "no residents came to harm during the outbreak",
    "nobody was injured",
    "the patient was not hurt",
    "our team's goal is to reduce harm",
    "I've been working on violence reduction",
    "as the safeguarding lead I signed off the audit",
    "I chaired the safeguarding adults board",
    "we ran a simulation of a patient deteriorating",
    "we presented on drug errors at grand rounds",
    "what to do if a patient is harmed is in the policy",
    "we'll tell the lead should anyone be at risk",
    "confidentiality except where there is danger to someone",
    "my mentee is worried about her job",
    "my mentor dropped me an email",
    "I hit a wall with the business case",
    "the funding cut hurt",
    "the project pushed everyone to their limits",
    "I pulled the team together after the merger",
    "we held a leaving do for a colleague",
    "I was gutted not to get the job",
    "we shared patient stories at the board",
    "patients shared their experiences in the focus group",
    "we took photos at the awards",
    "I'm on antibiotics for a chest infection",
    "I took paracetamol for my headache",
    "the morphine audit went well",
    "I sent the minutes to the team",
    "the new system will reduce restraint",
    "I had a glass of wine after work",
    "I feel safe in my new team",
    "no babies were harmed in the pilot",
    "the review found nobody had been hurt",
    "our harm reduction work won an award",
    "I led a session on suicide awareness for managers",
    "my role is head of safeguarding",
    "we discussed restrictive practice reduction",
    "we agreed to escalate anything that puts a patient at risk",
    "I'm studying for a masters in patient safety",
    "I presented a case study on sepsis",
    "my mentor shared her experience of leading change",
    "I sent my reflections to my mentor",
    "we uploaded the rota to the shared drive",
    "I've been drinking too much coffee on nights",
    "my colleague went for a drink after the shift",
    "the board was drunk on its own success",
    "she came on board as a new manager",
    "he locked in the budget for next year",
    "I was held up in traffic",
    "we held the patient forum in the library",
    "I took the morning off",
    "the pharmacy stock count was spot on",
    "I missed my train",
    "I felt a bit neglected by the project board",
    "my mentor struck a good balance",
    "the new policy hit the headlines",
    "I want to kill off the old paper forms",
    "I'm dying to see the results",
    "we're at risk of losing the funding",
    "the plan is in danger of failing",
    "I finished my safeguarding level 3",
    "Tom and I talked about difficult conversations",
    "i think my colleague is great at coaching",
    "A patient gave me a lovely card",
    "the surgeon punched the air when the bid came through",
    "my mentor grabbed lunch with me",
    "I honestly feel like giving up on this business case",
    "I've been having dark thoughts about the restructure",
    "my colleague said she'd be better off in a different team",
    "the F2 was clearly nervous on the ward round",
    "our consultant often comes to work early",
    "my mentor was drinking tea in the staff room",
    "a nurse shared a great idea at the huddle",
    "my colleague forwarded the agenda to her team",
    "he made useful comments about my slides",
    "my boss sent me some images for the poster",
    "she touched on her own career in the talk",
    "the child health team presented their audit",
    "we pinned the plan to the wall",
    "a nurse took the lead on the project",
    "the count of attendees was wrong on the register",
    "I was left sitting in a meeting for hours",
    "nobody gave feedback on my draft",
    "the team missed the deadline",
    "my manager wants me to keep the project quiet until launch",
    "no patients came to harm and the incident was closed",
    "the trust aims for zero avoidable harm",
    "I'm the designated safeguarding lead for the practice",
    "we reviewed the restraint data",
    "my remit includes violence prevention",
    "my mentor has been helping a vulnerable colleague",
    "the matron physically moved the desks",
    "part of me wants to end the project",
    "I'm scared I might fail the interview",
    "my colleague was wasted on that committee",
    "I made comments about the draft",
    "the registrar seemed tired at the start of his shift",
    "I posted a picture of my dog on Twitter",
    "the toddler group was a success",
    "I want to tie the two projects together",
    "the drug budget is going missing in overspend",
    "I left the floor open for questions",
    "I ignored the noise and focused",
    "we had the wrong room for the operation briefing",
]

# Of the safety concerns, these are about self-harm or suicidal thoughts.
SELF_HARM = [
    "i dont see the point anymore",
    "tbh some days i just cant see the point of anything anymore",
    "some weeks i honestly dont see the point of it all any more",
    "cant see the point in any of it any longer tbh",
    "honestly theres no point in life any longer",
    "what's the point of anything any more, i'm exhausted",
    "everyone would be better off if i was dead",
    "I feel like giving up on life",
    "i want to disappear forever",
    "honestly nobody would miss me if i was gone",
    "would anyone even notice if I wasn't here",
    "some days i feel like ending it",
    "I keep thinking about ending it all",
    "i cant go on like this anymore, i just want it all to stop",
    "I just want everything to be over and to stop hurting",
    "I wish I could go to sleep and never wake up",
    "she told me she has been thinking about suicide",
    "I'm thinking of ending it all",
    "I don't want to be here anymore",
    "some days I think everyone would be better off without me",
    "I want to kill myself",
    "I've been having thoughts of ending my life",
    "I feel like I can't go on any more",
    "honestly I wish I was dead",
    "I keep thinking about taking an overdose",
    "my trainee told me she's been cutting her arms",
    "I've been stockpiling my tablets",
    "there's no point in living",
    "I don't want to wake up tomorrow",
    "sometimes I think about jumping off the multi-storey car park",
    "a colleague said she is suicidal",
    "I want to die",
    "I've been self-harming again",
    "I keep thinking about killing myself",
    "I've thought about ending my life",
    "I feel like ending it all",
    "I no longer want to live",
    "I just want to die",
    "my mentee told me she wants to end her life",
    "a junior doctor said he was going to take his own life",
    "my family would be better off without me",
    "I've started harming myself again",
    "some nights I hope I don't wake up",
    "I can't carry on living like this",
    "I don't want to be alive any more",
    "I'm having suicidal thoughts",
    "I've been thinking I'd be better off dead",
    "I feel like I want to die most days",
    "I've been cutting myself",
    "my mentee said she plans to kill herself",
    "I don't want to live anymore",
    "I can't go on anymore",
    "I've thought about jumping in front of a train",
    "she keeps saying she wants to end it all",
    "my colleague has been self harming",
    "I think my mentee is suicidal",
    "I've had thoughts about killing myself",
    "I sometimes wish I wasn't alive",
    "I'm planning to end my life",
    "there's no reason to live anymore",
    "my colleague took an overdose last week",
    "I feel like hurting myself",
    "I've been feeling suicidal since the inquest",
    "I've been thinking about ending things",
    "my mentee keeps talking about wanting to die",
    "I keep having thoughts of taking my own life",
    "I don't see the point in living any more",
    "I honestly feel like killing myself",
    "I've been having dark thoughts about ending my life",
    "I've been researching ways to kill myself",
    "my colleague said she'd be better off dead",
    "I want to disappear for good and not wake up. I wish I could sleep and not wake up",
    "I've started to think my family would be better off without me",
    "part of me wants to end it",
    "I'm scared I might hurt myself",
]


def _diary(db: Engine) -> list[DiaryEntry]:
    with transaction(db) as s:
        return list(s.exec(select(DiaryEntry)).all())


# -- the reading ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", SAFETY + SELF_HARM)
def test_a_safety_concern_in_everyday_words_is_noticed(text: str) -> None:
    assert notice_concern(text) is Noticed.SAFETY, concern_kinds(text)
    assert names_safety(text)


@pytest.mark.parametrize("text", BULLYING)
def test_bullying_in_everyday_words_is_noticed(text: str) -> None:
    assert notice_concern(text) is Noticed.BULLYING, concern_kinds(text)


@pytest.mark.parametrize("text", ORDINARY)
def test_leadership_talk_that_sounds_like_harm_is_not_a_concern(text: str) -> None:
    assert notice_concern(text) is None, concern_kinds(text)


@pytest.mark.parametrize("text", SELF_HARM)
def test_self_harm_and_suicidal_thoughts_are_told_apart(text: str) -> None:
    assert names_self_harm(text)
    assert Kind.SELF_HARM in concern_kinds(text)


@pytest.mark.parametrize(
    "text", [t for t in SAFETY + BULLYING + ORDINARY if t not in SELF_HARM], ids=str
)
def test_other_concerns_and_talk_are_not_taken_for_self_harm(text: str) -> None:
    assert not names_self_harm(text)


def test_the_tables_are_large_enough_to_mean_something() -> None:
    assert len(SAFETY) + len(BULLYING) >= 120
    assert len(ORDINARY) >= 120
    assert len(set(SAFETY + BULLYING + ORDINARY)) == len(SAFETY + BULLYING + ORDINARY)


# -- in the diary and the contract (the tester's findings) ---------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I'm worried my manager is hurting patients",
        "My mentor is hurting patients on the ward",
        "I saw a colleague slap a resident",
        "a patient was given someone else's medication and nobody noticed",
    ],
)
def test_harm_to_patients_in_everyday_words_is_noticed_in_the_diary(
    demo: Engine, mentee: Chat, text: str
) -> None:
    assert ASKED in mentee.said(f"diary: {text}")
    assert _diary(demo) == []


@pytest.mark.parametrize(
    "text",
    [
        "I'm thinking of ending it all",
        "I don't want to be here anymore",
        "some days I think everyone would be better off without me",
    ],
)
def test_thoughts_of_suicide_in_everyday_words_are_noticed_in_the_diary(
    demo: Engine, mentee: Chat, text: str
) -> None:
    assert ASKED in mentee.said(f"diary: {text}")
    assert _diary(demo) == []


@pytest.mark.parametrize(
    "text",
    [
        "my colleague turned up drunk",
        "the registrar has been coming to work drunk",
        "a nurse smelled of alcohol on the ward",
    ],
)
def test_a_colleague_drunk_at_work_is_noticed_in_the_diary(
    demo: Engine, mentee: Chat, text: str
) -> None:
    assert ASKED in mentee.said(f"diary: {text}")
    assert _diary(demo) == []


@pytest.mark.parametrize(
    "text",
    [
        "my mentor shared a patient's scan in our team chat",
        "my mentor posted patient details on Facebook",
    ],
)
def test_a_patient_confidentiality_breach_in_everyday_words_is_noticed_in_the_diary(
    demo: Engine, mentee: Chat, text: str
) -> None:
    assert ASKED in mentee.said(f"diary: {text}")
    assert _diary(demo) == []


@pytest.mark.parametrize(
    "text",
    [
        "my mentor keeps making sexual comments about me",
        "the registrar sent me explicit photos",
        "my manager grabbed my arm and pushed me against the wall",
        "a child on the ward had unexplained bruises",
        "an elderly patient was tied to the bed",
        "a patient died because the doctor ignored the obs",
        "a colleague was stealing controlled drugs",
    ],
)
def test_sexual_misconduct_assault_abuse_signs_and_theft_of_drugs_are_noticed(
    demo: Engine, mentee: Chat, text: str
) -> None:
    assert ASKED in mentee.said(f"diary: {text}")
    assert _diary(demo) == []


@pytest.mark.parametrize(
    "text",
    [
        "no patients were harmed during the change",
        "my goal is to reduce harm from falls on the ward",
        "we discussed the harm-free care dashboard",
        "the project is in danger of slipping",
    ],
)
def test_ordinary_leadership_talk_about_harm_is_saved_without_a_question(
    demo: Engine, mentee: Chat, text: str
) -> None:
    assert "Saved to your diary" in mentee.said(f"diary: {text}")
    assert len(_diary(demo)) == 1


@pytest.mark.parametrize(
    "rule",
    [
        "confidential, except where there is a risk of harm",
        "we will break confidentiality only if a patient is in danger",
        "we agreed to report any patient safety concerns through Datix",
    ],
)
def test_an_ordinary_confidentiality_rule_in_the_contract_is_not_taken_for_a_concern(
    mentee: Chat, rule: str
) -> None:
    """Close variants of the contract's own example ("what we discuss stays between us,
    unless someone is at risk") are signed without "Shall I send it to the project lead"."""
    mentee.said("contract")
    mentee.said("monthly video calls")
    mentee.said(rule)
    mentee.said("grow as a leader")
    mentee.said("email, weekday mornings")
    reply = mentee.said("I agree")  # the safety check runs as she signs
    assert "Shall I send it to the project lead" not in reply


@pytest.mark.parametrize(
    "text",
    [
        "I chaired the serious incident panel",
        "my role includes safeguarding adults",
        "working on reducing violence and aggression against staff",
        "Discussed my fitness to practise hearing as a panel member",
    ],
)
def test_a_leaders_own_safety_work_in_the_diary_is_not_taken_for_a_concern(
    demo: Engine, mentee: Chat, text: str
) -> None:
    assert "Saved to your diary" in mentee.said(f"diary: {text}")
    assert len(_diary(demo)) == 1


# -- the second tester's findings (probe 2) ------------------------------------------------------


def _priya_writes_in_her_diary(db: Engine, clock: Clock, text: str) -> str:
    return Chat(db, clock, "mentee@example.org").said(f"diary: {text}")


@pytest.mark.parametrize(
    "text",
    [
        "the ward is so understaffed that patients are coming to harm",
        "we were told not to datix the fall so it wouldnt show up",
        "a surgeon is operating while impaired",
        "an elderly patient is being financially exploited by her son",
    ],
)
def test_a_patient_safety_or_safeguarding_diary_note_is_noticed(
    demo: Engine, clock: Clock, text: str
) -> None:
    assert ASKED in _priya_writes_in_her_diary(demo, clock, text)


@pytest.mark.parametrize(
    "text",
    [
        "my boss grabbed me",
        "my mentor asked me out and wont take no for an answer",
        "my mentor keeps messaging me late at night and it makes me uncomfortable",
    ],
)
def test_physical_or_sexual_harassment_in_a_diary_note_is_noticed(
    demo: Engine, clock: Clock, text: str
) -> None:
    assert ASKED in _priya_writes_in_her_diary(demo, clock, text)


@pytest.mark.parametrize(
    "text",
    [
        "honestly nobody would miss me if i was gone",
        "some days i feel like ending it",
        "i cant go on like this anymore, i just want it all to stop",
    ],
)
def test_common_suicidal_wording_in_the_diary_gets_the_help_lines(
    demo: Engine, clock: Clock, text: str
) -> None:
    assert "116 123" in _priya_writes_in_her_diary(demo, clock, text)


@pytest.mark.parametrize(
    "text",
    [
        "agreed I would report the near miss trends to the board",
        "still feeling unsafe presenting to the board, need more practice",
        "we role played a conversation about a staff member under the influence at work",
        "i felt abused by the amount of email this week lol",
    ],
)
def test_ordinary_leadership_reflection_is_saved_without_a_safety_question(
    demo: Engine, clock: Clock, text: str
) -> None:
    assert "Saved to your diary" in _priya_writes_in_her_diary(demo, clock, text)


@pytest.mark.parametrize(
    "text",
    [
        "my mentor is bulying me",
        "im being harrassed by my mentor",
        "tom has been really inappropriate with me",
    ],
)
def test_a_concern_said_straight_out_with_a_typo_or_plain_words_is_offered(
    demo: Engine, clock: Clock, text: str
) -> None:
    reply = Chat(demo, clock, "mentee@example.org").said(text)
    assert "didn't understand" not in reply
    assert "concern" in reply


@pytest.mark.parametrize(
    "text",
    [
        "Tom shouted at a patient and pushed her",
        "the consultant screamed at a patient and threw her notes",
    ],
)
def test_staff_assaulting_a_patient_is_sent_as_an_urgent_safety_concern(
    demo: Engine, clock: Clock, text: str
) -> None:
    """Harm to a patient outranks bullying: it goes as an urgent safety concern."""
    priya = Chat(demo, clock, "mentee@example.org")
    priya.said(f"diary: {text}")
    sent = priya.said("Send it to the lead")
    assert "marked urgent" in sent
    assert channel_inbox(demo, clock).startswith("URGENT: safety concern C1")


@pytest.mark.parametrize(
    "clause",
    [
        "everything is confidential except if there is a risk to patients or a fitness to "
        "practise issue",
        "confidential apart from anything involving abuse or harm to patients",
    ],
)
def test_an_ordinary_confidentiality_clause_does_not_stop_the_contract(
    demo: Engine, clock: Clock, clause: str
) -> None:
    priya = Chat(demo, clock, "mentee@example.org")
    for line in ("sign the contract", "monthly video calls", clause, "grow as a leader"):
        priya.said(line)
    priya.said("email, weekday mornings")
    signed = priya.said("I agree")
    assert "This sounds like" not in signed


def test_unwanted_touching_in_a_meeting_agenda_is_asked_about_before_it_reaches_the_mentor(
    demo: Engine, clock: Clock
) -> None:
    priya = Chat(demo, clock, "mentee@example.org")
    priya.said("book a meeting on Tuesday 3pm for an hour by video")
    priya.said("Add an agenda")
    priya.said("i need to talk about how you keep touching my arm and it makes me uncomfortable")
    asked = priya.said("Send to Tom")
    assert not asked.startswith("Sent to Tom")
    assert ASKED in asked


@pytest.mark.parametrize(
    "text", ["he keeps putting his hand on my knee", "he keeps touching me and i dont like it"]
)
def test_unwanted_touching_in_the_diary_is_noticed(demo: Engine, clock: Clock, text: str) -> None:
    assert ASKED in _priya_writes_in_her_diary(demo, clock, text)


@pytest.mark.parametrize(
    "reason",
    [
        "she followed me to my car after our last meeting",
        "not comfortable meeting after what she said about my body",
    ],
)
def test_a_decline_reason_about_stalking_or_sexual_remarks_is_asked_about_first(
    demo: Engine, clock: Clock, reason: str
) -> None:
    priya = Chat(demo, clock, "mentee@example.org")
    priya.said("book a meeting on Tuesday 3pm for an hour by video")
    assert priya.said("Send to Tom").startswith("Sent to Tom")
    tom = Chat(demo, clock, "mentor@example.org")
    tom.said("my meetings")
    assert "Would you like to tell Priya why?" in tom.said("Decline")
    asked = tom.said(reason)
    assert ASKED in asked


# Care that failed, said in clinical shorthand: a wait of hours on a trolley or in a corridor,
# care left undone, nobody escalating or coming.
CARE_FAILED_SHORTHAND = [
    "pt sat on a trolley for 9 hours in majors",
    "elderly lady waited 7 hrs in the corridor without pain relief",
    "the resident in bay 4 went 8 hours without obs",
    "bed 12 was deteriorating and no one escalated",
    "rang the call bell over and over, nobody came",
    "his NEWS was 7 and it wasn't escalated",
    "two lots of missed obs on nights for the pt in bed 3",
    "the pts in side room 2 were left unattended all night",
]
# The same words in ordinary leadership talk.
CARE_WORDS_IN_ORDINARY_TALK = [
    "we escalated the budget issue",
    "waiting list targets for trolley waits in our paper",
    "I need to escalate my leave request",
    "my leave request wasnt escalated",
    "I ran a teaching session for the ward and nobody came",
    "nobody came to my talk on patient experience",
    "spent 3 hours in the corridor waiting for my interview",
    "our patient flow paper looks at 12 hour trolley waits",
    "I waited 2 hours for the patient transport meeting",
]


@pytest.mark.parametrize("text", CARE_FAILED_SHORTHAND)
def test_care_that_failed_said_in_clinical_shorthand_is_a_safety_concern(text: str) -> None:
    assert Kind.UNSAFE_CARE in concern_kinds(text)
    assert notice_concern(text) is Noticed.SAFETY


@pytest.mark.parametrize("text", CARE_WORDS_IN_ORDINARY_TALK)
def test_waits_and_escalation_in_ordinary_talk_are_not_a_concern(text: str) -> None:
    assert notice_concern(text) is None


@pytest.mark.parametrize("text", CARE_FAILED_SHORTHAND[:4])
def test_care_that_failed_typed_straight_out_starts_the_concern_path(
    demo: Engine, clock: Clock, text: str
) -> None:
    reply = Chat(demo, clock, "mentee@example.org").said(text)
    assert "can't help with that one" not in reply
    assert "didn't understand" not in reply
    assert "project lead" in reply

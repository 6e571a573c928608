"""Type evidence over the NER output: what a mention is, from its own text and its context.

``entities.py`` calls ``judge`` on every spaCy span before voting. The small
model labels by local shape, so news pages gave it "Twitter" as a person,
"Nintendo Switch" as a person, "MacBook Pro" as an organisation, "FL" as an
organisation, "pic.twitter.com/..." as a person and "Associated Press that" as
an organisation. Each rule below is a kind of evidence an analyst would use,
measured on the GUM and MEANTIME dev sets before it was kept (docs/DEVELOPING.md):

* **never an entity**: URLs, handles, hashtags, file-ish tokens ("_", "/"),
  currencies and units ("Euro", "USD", "GB"), products (a known product line,
  or a name ending in a model designation: "MacBook Pro", "Boeing 787",
  "RAV4 Hybrid"), and fragments that start in lower case;
* **trimmed**: trailing lower-case words and handles ("Associated Press that",
  "Twitter @spacedotcom" -> "Twitter");
* **known names**: a small table of companies, platforms and outlets that
  news names without a suffix ("Twitter", "Netflix", "Alibaba") is an
  organisation whatever the model said;
* **corporate suffix** ("Inc", "Corp", "plc", "GmbH", ...) -> organisation;
* **honorific before** ("Mr.", "Sen.", "Dr.") -> person;
* **"the" + a plural capitalised word** labelled person ("the Steelers",
  "the Spurs") -> organisation: people are not named with an article;
  a "person" with a club suffix ("Manchester United") in a sports story likewise
  (places keep theirs: "Mexico City" is no club);
* **US postal codes** ("FL", "VA") are a place only after a comma
  ("Miami, FL"), resolved to the state's name; elsewhere they are dropped.

    >>> judge("Twitter", "person", "Follow us on Twitter.", 13)
    ('Twitter', 'organization')
    >>> judge("MacBook Pro", "organization", "the new MacBook Pro", 8)
    (None, None)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache

DROP = (None, None)

_URLISH = re.compile(r"https?:|www\.|\.(?:com|org|net|co|io|uk|gov)\b|[@#_/\\|=<>{}]|\d{3,}")
_OUTLET_DOMAIN = re.compile(r"^[A-Z][\w-]*\.(?:com|org|net|info|in|co\.uk)$")
_HANDLE = re.compile(r"\s*[@#]\S+")
_TRAILING_LOWER = re.compile(r"(?<![-\u2010-\u2014])(?:\s+[a-z]+)+$")  # not "Chung - tai" (a tokenised hyphen)
_MODEL = re.compile(r"^(?:[A-Z]*\d+[A-Za-z\d-]*s?|Pro|Max|Mini|Lite|Plus|Ultra|Air|Hybrid|XL|SE|Edition)$")
_CORPORATE = re.compile(r"\b(?:Inc|Corp|Corporation|Co|Ltd|LLC|LLP|plc|PLC|GmbH|AG|SA|NV|N\.V|Holdings|Group)\.?$")
_HONORIFIC_BEFORE = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Prof|Sir|Dame)\.?\s+$")
_ROLE_LAST = re.compile(r"\b(?:Officer|Director|Minister|Secretary|Spokesman|Spokeswoman|Chairman|Manager)$")
_ORG_LAST = frozenset("Store Airlines Airways Group Council Agency Committee Association Institute Bank".split())
_LEADING_INDEFINITE = re.compile(r"^(?:An?|AN?)\s+(?=[A-Z])")
_PARTIES = frozenset("Democrats Republicans Conservatives Liberals Socialists Greens Tories Nationalists".split())
_MARKS = ("\u00ae", "\u2122")  # ® ™
_AFTER_MARK = re.compile(r"[\u00ae\u2122](?:\s[A-Z][\w-]*)*\s?$")
_THING_AFTER = re.compile(r"\s(?:mission|spacecraft|probe|rover|telescope|satellite|lander)\b")
_SETTLEMENT_AFTER = re.compile(
    r",\s(?:a|the)\s(?:\w+\s)?(?:village|town|city|suburb|hamlet|borough|county|municipality)\b"
)
_DOTTED_CODE = re.compile(r"^(?:[A-Z]\.){2}$")
_EVENTS = frozenset(
    """Show Festival Expo Summit Conference Awards Championship Championships Olympics Games Cup
Marathon Fair Week Tournament Open""".split()
)
_TRAILING_TITLES = frozenset("Speaker Rt Hon Chairman Chair".split())
_THINGS = frozenset("Telescope Telescopes Satellite Satellites Rover Spacecraft Rocket Probe".split())
_POSITION = re.compile(r"^[A-Z]{2,3}$")  # an inner all-capitals token: a position ("QB", "DL") or a code
# Words that make a name an organisation's, never a person's ("Royal Navy", "Morgan Motor").
_ORG_NAME_WORD = re.compile(
    r"\b(?:Ministry|Council|Agency|Committee|Commission|Company|Airlines?|Airways|Group|Bank|Party|University"
    r"|College|School|Force|Army|Navy|Service|News|Times|Post|Institute|Association|Union|Department|Office|Court"
    r"|Parliament|Assembly|Fund|Foundation|Federation|Authority|Board|Club|Motors?|Records|Studios?|Press|Media"
    r"|Brothers|Sons|Partners|Capital|Holdings|Industries|Systems|Technologies|Labs?|Network|Society|League|Team"
    r"|Experience|Project|Program|Programme|Church|Hospital|Energy|Oil|Gas|Pharma|Health|Insurance|Airport)\b"
)
_CLUB_SUFFIX = re.compile(r"\s(?:United|City|FC|CF|Rovers|Athletic|Hotspur|Wanderers|Albion|Rangers|Celtic)$")
_SPORTS = re.compile(
    r"\b(?:season|coach|quarterback|touchdown|league|goalkeeper|midfielder|striker|playoffs?|match|stadium|"
    r"innings|defen[cs]e|offen[cs]e|scored|roster|draft|championship|tournament|fixture)\b",
    re.I,
)
_SPORTS_MIN_CUES = 3

_UNITS = frozenset(
    """euro euros dollar dollars usd eur gbp jpy cny bitcoin gb mb kb tb gbps mbps ghz mhz mph kph km kg
mm cm hz fps rpm""".split()
)

# Companies, platforms and outlets news names bare; the model often takes them for people or places.
_KNOWN_ORGS = frozenset(
    k.lower()
    for k in """Twitter Facebook Instagram YouTube TikTok Snapchat WhatsApp Reddit
LinkedIn Pinterest Google Alphabet Apple Microsoft Amazon Netflix Hulu Spotify Uber Lyft Airbnb Tesla Nintendo Sony
Samsung Huawei Xiaomi Alibaba Tencent Baidu ByteDance Yahoo Intel AMD Nvidia Qualcomm IBM Oracle Cisco Dell HP
Lenovo Pixar Disney Warner Paramount Comcast Verizon Boeing Airbus Lockheed Raytheon Sikorsky Halliburton Burisma
Gazprom Rosneft Aramco ExxonMobil Exxon Chevron BP Walmart Costco Starbucks McDonald's Nike Adidas
Toyota Honda Nissan Ford Volkswagen BMW Mercedes Audi Porsche Ferrari Hyundai Kia GM SoftBank WeWork PayPal
Mastercard JPMorgan Citigroup Barclays HSBC UBS Deutsche Reuters Bloomberg CNN CNBC MSNBC NBC CBS
BBC Sputnik Xinhua Politico Axios Vox Gizmodo Wired Engadget TechCrunch Vice Buzzfeed HuffPost Yonhap
Kyodo AFP Dropbox Etsy eBay Shopify Twitch Oculus Ubisoft Activision""".split()
)

# Product lines: things, not organisations, people or places.
_PRODUCTS = frozenset(
    k.lower()
    for k in """iPhone iPad iPod iTunes iMac iCloud iOS macOS Mac MacBook Macintosh AirPods
Siri Alexa Kindle Safari Windows Android Chromebook Xbox PlayStation Stadia FaceTime Dreamliner""".split()
)
# Product names made of a brand and an ordinary word: only the pair is a product.
_PRODUCT_PAIRS = (
    "nintendo switch",
    "microsoft surface",
    "samsung galaxy",
    "google pixel",
    "amazon echo",
    "apple watch",
    "magic keyboard",
    "microsoft windows",
    "google chrome",
    "apple safari",
)

US_STATE_CODES = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
    "DC": "Washington",  # D.C.: the city geo reads "Washington" as
}


_STATE_AFTER = re.compile(
    r",\s(?:"
    + "|".join(sorted((re.escape(n) for n in US_STATE_CODES.values() if "," not in n), key=len, reverse=True))
    + r"|[A-Z]{2}\b(?<!\bUS))(?=[\s,.;:)]|$)"
)


_FACILITY_LAST = frozenset(
    """Museum Center Centre Planetarium Stadium Station Airport Base Tower Towers Park Square
Bridge Arena Cathedral Palace Zoo Observatory""".split()
)
# Last words of town names that are hardly ever surnames.
_TOWN_LAST = frozenset("Falls Springs Heights Hill Hills Valley Island Islands Beach Harbor Harbour".split())
_SURNAMES_TOO = frozenset("Hill Hills Beach".split())  # "Lauryn Hill" is a person
_MODEL_NUMBER_BEFORE = re.compile(r"(?:\b[A-Z]+-?\d+|(?<![\d,.])\d{3})\s$")  # "737 ", "A320 ", not "2019 "
_MUSEUM = re.compile(r"\b(?:Museum|Planetarium|Stadium|Airport) of\b")
_NAME_GENDERS = frozenset({"male", "female", "andy"})  # gender-guesser's sure answers; "mostly_*" are not sure


@lru_cache(maxsize=1)
def _given_names():
    import gender_guesser.detector

    return gender_guesser.detector.Detector(case_sensitive=False)


def _looks_like_full_name(words: list[str]) -> bool:
    """A given name the name list is sure of, then capitalised words, no organisation word: "Dean Kamen"."""
    if not all(w[:1].isupper() and w[1:].islower() and w.isalpha() for w in words):
        return False
    if _ORG_NAME_WORD.search(" ".join(words)) or " ".join(words).lower() in _KNOWN_ORGS:
        return False
    return _given_names().get_gender(words[0]) in _NAME_GENDERS


def thing_heads(surfaces: list[str]) -> set[str]:
    """First words of the things of one article: "Hubble" of "Hubble Space Telescope"."""
    return {s.split()[0] for s in surfaces if " " in s and s.split()[-1] in _THINGS}


def product_tails(surfaces: list[str]) -> set[str]:
    """Last words of the product names of one article: "Switch" of "Nintendo Switch", "Max" of "737 Max".

    A one-word mention equal to one of them is the same product named short.
    """
    return {s.split()[-1] for s in surfaces if " " in s and _is_product(" ".join(s.split()))}


def sports_question(body: str) -> Callable[[], bool]:
    """``sports_context(body)``, computed on first ask: most articles never need it."""
    return cache(lambda: sports_context(body))


def sports_context(body: str) -> bool:
    """True when the body reads like a sports story (several distinct sports words)."""
    return len({m.group().lower() for m in _SPORTS.finditer(body)}) >= _SPORTS_MIN_CUES


def is_product(words: list[str]) -> bool:
    """A known product line, or a brand followed by a model designation ("Boeing 787", "MacBook Pro")."""
    return _is_product(" ".join(words))


@lru_cache(maxsize=16384)  # the same names recur in every batch
def _is_product(surface: str) -> bool:
    words = surface.split()
    if any(w.lower() in _PRODUCTS or w.lower()[:-1] in _PRODUCTS for w in words):
        return True
    low = " ".join(words).lower()
    if any(low.startswith(pair) for pair in _PRODUCT_PAIRS):
        return True
    return len(words) >= 2 and bool(_MODEL.match(words[-1]))


def judge(
    surface: str, type_: str, body: str, start: int, sports: Callable[[], bool] = lambda: False
) -> tuple[str | None, str | None]:
    """(cleaned surface, type) for one mention, or (None, None) when it is no entity.

    ``type_`` is the NER's reading; ``start`` the mention's offset in ``body``; ``sports()``
    says whether the body is a sports story (asked only when a club suffix needs it).
    """
    end = start + len(surface)
    surface = _HANDLE.sub("", surface).strip()
    surface = _TRAILING_LOWER.sub("", surface)
    surface = _LEADING_INDEFINITE.sub("", surface)  # "An Associated Press [reporter]"
    if _OUTLET_DOMAIN.match(surface):
        return surface, "organization"  # "Detik.com quoted ...": an outlet named by its domain
    if not surface or _URLISH.search(surface):
        return DROP
    words = surface.split()
    low = surface.lower()
    if low in _KNOWN_ORGS:
        return surface, "organization"
    if not surface[0].isupper() and len(words) > 1:  # "zum Ziel", "von Leistungserbringern": fragments
        return DROP
    if type_ == "person" and words[-1] in _PARTIES:
        return surface, "group"  # "Virginia Democrats"
    if words[-1] in _THINGS:
        return DROP  # "Twin Telescopes", "Hubble Space Telescope", "Mars Rover"
    if len(words) > 1 and words[-1] in _EVENTS:
        return DROP  # "Dubai Air Show", "Davis Cup": events are no person, organisation or place
    if type_ == "organization" and len(words) > 2 and (words[-1] in _TRAILING_TITLES or _ROLE_LAST.search(surface)):
        surface = " ".join(words[:-1])  # "House of Representatives Speaker", "... Rt": the body, not the role
        words = words[:-1]
    after = body[end : end + 40]
    before = body[max(0, start - 12) : start]
    if _AFTER_MARK.search(body, max(0, start - 40), start):
        return DROP  # "Don Victor® Orange Blossom Comb Honey": the words after a brand mark name a product
    if after[:1] in _MARKS:
        return surface, "organization"  # "Don Victor® Honey": a brand
    if _THING_AFTER.match(after):
        return DROP  # "Europa Clipper mission", "Hubble telescope"
    if type_ != "place" and (_SETTLEMENT_AFTER.match(after) or body.endswith("representing ", 0, start)):
        return surface, "place"  # "Addison, a village southwest of Ithaca"; "the senator representing Yobe North"
    if type_ != "place" and _STATE_AFTER.match(body, end):
        return surface, "place"  # "Sioux Falls, South Dakota", "Ithaca, NY"
    if type_ == "place" and len(words) > 1 and words[0] == "Air":
        return surface, "organization"  # "Air Astana", "Air France": airlines
    inner = [i for i, w in enumerate(words[:-1]) if i and _POSITION.match(w)]
    if type_ == "person" and inner and len(words) - inner[-1] - 1 >= 2:
        # "Browns DL Sheldon Richardson": a team and a position before the name.
        surface = " ".join(words[inner[-1] + 1 :])
        words = surface.split()
    if type_ == "person" and (_ROLE_LAST.search(surface) or words[-1] in _ORG_LAST):
        # "Chief Operating Officer" is a role, not a name; "App Store" names no one.
        return DROP if _ROLE_LAST.search(surface) else (surface, "organization")
    if low in _UNITS:
        return DROP
    code = surface.replace(".", "") if _DOTTED_CODE.match(surface) else surface  # "D.C.", "N.Y."
    if code in US_STATE_CODES:
        return (US_STATE_CODES[code], "place") if body[max(0, start - 2) : start] == ", " else DROP
    if is_product(words):
        return DROP
    if _CORPORATE.search(surface) and len(words) > 1:
        return surface, "organization"
    if type_ == "organization" and len(words) > 1 and (words[-1] in _FACILITY_LAST or _MUSEUM.search(surface)):
        return surface, "place"  # "Johnson Space Center", "Museum of Flight": a building one can stand in
    if len(words) > 1 and (
        type_ == "organization"
        and words[-1] in _TOWN_LAST
        or type_ == "person"
        and words[-1] in _TOWN_LAST - _SURNAMES_TOO
    ):
        return surface, "place"  # "Sioux Falls", "Forest Hill", "Palm Springs": towns, not people
    if type_ == "person" and len(words) == 1 and _MODEL_NUMBER_BEFORE.search(body, max(0, start - 8), start):
        return DROP  # "737 Max": a model name
    if type_ == "organization" and 2 <= len(words) <= 3 and _looks_like_full_name(words):
        return surface, "person"  # "Britney Spears", "Thibaut Courtois" tagged ORG
    if type_ != "person" and _HONORIFIC_BEFORE.search(before) and type_ != "group":
        return surface, "person"
    if type_ == "person" and len(words) == 1 and surface.endswith("s") and before.endswith("the "):
        return surface, "organization"  # "the Steelers": a team or company, not a person
    if type_ == "person" and _CLUB_SUFFIX.search(surface) and sports():
        return surface, "organization"
    return surface, type_

"""Word lists for names that look like a real CRM's, and the closed sets of the contract."""

SEGMENTS = ("SMB", "Mid-Market", "Enterprise")
REGIONS = ("North America", "EMEA", "APAC", "LATAM")
PLANS = ("Starter", "Growth", "Business", "Enterprise")
SERVICE_MODELS = ("low-touch", "pooled", "named")
CHANNELS = ("inbound", "outbound", "partner", "self-serve", "trial")
INDUSTRIES = (
    "Software", "Financial Services", "Healthcare", "Retail", "Manufacturing",
    "Education", "Media", "Logistics", "Professional Services", "Telecommunications",
)
TEAMS = ("Onboarding", "Retention", "Growth", "Pooled")
ROLES = ("admin", "member", "viewer", "executive")
TICKET_CHANNELS = ("email", "chat", "phone", "portal")
CATEGORIES = ("bug", "how-to", "billing", "integration", "performance", "feature-request", "access")
PRIORITIES = ("low", "normal", "high", "urgent")
MILESTONES = ("kickoff", "admin_setup", "integration", "training", "first_value")
MEETING_TYPES = ("qbr", "check-in", "training", "executive-review")
TRIAL_CHANNELS = ("organic", "paid", "referral", "partner")
DEPARTMENTS = ("customer_success", "sales", "marketing")

# (feature, is_key_feature, description, share of adopting accounts' active users using it on a day)
FEATURES = (
    ("dashboards", True, "Shared dashboards of account KPIs", 0.55),
    ("reports", True, "Scheduled and ad-hoc reports", 0.35),
    ("workflows", True, "Automated multi-step workflows", 0.25),
    ("integrations", True, "Connectors to CRM, billing and data warehouses", 0.15),
    ("collaboration", True, "Comments, mentions and shared workspaces", 0.40),
    ("automations", False, "Rule-based triggers and actions", 0.20),
    ("api", False, "REST API access", 0.10),
    ("mobile_app", False, "iOS and Android apps", 0.18),
    ("alerts", False, "Threshold alerts by email and chat", 0.22),
    ("data_export", False, "CSV and Parquet exports", 0.08),
    ("admin_console", False, "User, role and SSO administration", 0.05),
    ("ai_assistant", False, "Natural-language assistant inside the product", 0.12),
)

NAME_PREFIXES = (
    "Acme", "Northwind", "Blue", "Summit", "Bright", "Iron", "Silver", "Green", "Red", "Cedar",
    "Granite", "Harbor", "Pioneer", "Vertex", "Nimbus", "Atlas", "Polar", "Crescent", "Evergreen",
    "Falcon", "Golden", "Horizon", "Lumen", "Maple", "Nova", "Orion", "Pinnacle", "Quantum",
    "River", "Sterling", "Terra", "Union", "Vista", "Willow", "Zenith", "Apex", "Beacon", "Cobalt",
    "Delta", "Ember", "Frontier", "Global", "Highland", "Indigo", "Juniper", "Keystone", "Lakeside",
    "Meridian", "Northstar", "Oakridge", "Prairie", "Redwood", "Sapphire", "Tidal", "Upland",
    "Vantage", "Westfield", "Yellowstone", "Aurora", "Bluebird",
)
# Made-up brand names, so that each account's first word is its own ("Acme's health").
BRAND_STARTS = (
    "Al", "Bel", "Cor", "Dra", "El", "Fen", "Gal", "Hal", "Ix", "Jor", "Kel", "Lum", "Mar", "Nor",
    "Or", "Pel", "Quin", "Ros", "Sil", "Tor", "Ul", "Val", "Wen", "Xan", "Yor", "Zel", "Bri", "Cal",
    "Dun", "Est", "Fal", "Gor", "Hel", "Ivo", "Jun", "Kor", "Lin", "Mor", "Nev", "Ost", "Pra", "Ren",
    "Sar", "Tal", "Ven", "Wil", "Zan", "Ash", "Bram", "Cyr",
)
BRAND_MIDDLES = ("", "a", "e", "i", "o", "an", "er", "in", "or", "is", "u", "en")
BRAND_ENDS = (
    "ra", "ton", "vex", "dex", "ly", "nix", "mond", "wick", "by", "gate", "field", "tron", "va",
    "nova", "stone", "well", "core", "ia", "o", "en", "ar", "ix", "um", "ana", "ford", "mere",
    "path", "sys", "tek", "za",
)

NAME_ROOTS = (
    "Analytics", "Logistics", "Health", "Foods", "Capital", "Systems", "Labs", "Media", "Energy",
    "Retail", "Software", "Dynamics", "Networks", "Partners", "Robotics", "Pharma", "Insurance",
    "Motors", "Textiles", "Learning", "Freight", "Design", "Security", "Cloud", "Data", "Bank",
    "Telecom", "Clinics", "Studios", "Foundry", "Mining", "Water", "Aerospace", "Biotech",
    "Hospitality", "Outfitters", "Brewing", "Construction", "Legal", "Payments",
)
NAME_SUFFIXES = ("Inc", "Corp", "Group", "Ltd", "GmbH", "LLC", "Co", "SA", "AG", "Holdings", "Pty", "BV")

FIRST_NAMES = (
    "Maria", "James", "Aisha", "Wei", "Sofia", "Liam", "Priya", "Lucas", "Fatima", "Noah", "Elena",
    "Mateo", "Yuki", "Olivia", "Arjun", "Chloe", "Kwame", "Hannah", "Diego", "Ingrid", "Omar",
    "Grace", "Ravi", "Camila", "Ethan", "Leila", "Tomas", "Mei", "Daniel", "Zara", "Hiro", "Amara",
    "Felix", "Nadia", "Samuel", "Lucia", "Jonas", "Alicia", "Kofi", "Emma",
)
LAST_NAMES = (
    "Gonzalez", "Smith", "Khan", "Chen", "Rossi", "Murphy", "Patel", "Silva", "Haddad", "Johnson",
    "Petrova", "Fernandez", "Tanaka", "Brown", "Sharma", "Martin", "Mensah", "Schmidt", "Lopez",
    "Larsen", "Farouk", "Kim", "Iyer", "Santos", "Walker", "Nasser", "Novak", "Wong", "Cohen",
    "Okafor", "Sato", "Adeyemi", "Weber", "Ivanova", "Baker", "Moreno", "Berg", "Dubois", "Owusu",
    "Nielsen",
)

DETRACTOR_COMMENTS = {
    "bug": "Too many bugs lately; our team has lost trust in the reports.",
    "how-to": "Hard to figure out how to do basic things without calling support.",
    "billing": "Invoices keep coming out wrong and it takes weeks to fix.",
    "integration": "The CRM integration keeps failing and nobody can tell us why.",
    "performance": "Dashboards are painfully slow every Monday morning.",
    "feature-request": "Missing features we were promised during the sale.",
    "access": "SSO and permissions are a constant headache for our admins.",
}
PROMOTER_COMMENTS = (
    "Our CSM is fantastic and the product just works.",
    "Dashboards saved our ops team hours every week.",
    "Workflows let us retire two legacy tools.",
    "Great support, fast answers.",
)

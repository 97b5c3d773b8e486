"""Word lists for invented people, places and notes. None of it describes a real person.

First names and surnames are common English-language names drawn at random, so
a combination is a coincidence, never a record. Streets are generic names; each
local authority has plausible towns and postcode districts (the inward part is
random), enough for the forms and the validators, never a real address.
"""

# Word lists read better packed than one word per line.
# fmt: off
MALE_FIRST_NAMES = (
    "James", "John", "Robert", "Michael", "David", "Richard", "Thomas", "Daniel", "Paul",
    "Mark", "Steven", "Andrew", "Kevin", "Brian", "Gary", "Darren", "Lee", "Craig", "Wayne",
    "Dean", "Shaun", "Carl", "Jason", "Stuart", "Neil", "Martin", "Simon", "Peter", "Anthony",
    "Christopher", "Matthew", "Joseph", "Ryan", "Liam", "Connor", "Jamie", "Adam", "Luke",
    "Nathan", "Scott", "Kieran", "Aaron", "Jordan", "Callum", "Ben", "Sam", "Tom", "Harry",
    "Jack", "Owen", "Ian", "Graham", "Keith", "Colin", "Barry", "Trevor", "Alan", "Stephen",
    "Philip", "Sean", "Patrick", "Declan", "Tomasz", "Piotr", "Marius", "Andrei", "Mohammed",
    "Imran", "Tariq", "Kwame", "Marcus", "Leon", "Tyrone", "Dwayne", "Reece", "Jake",
)
FEMALE_FIRST_NAMES = (
    "Sarah", "Emma", "Claire", "Lisa", "Michelle", "Nicola", "Kelly", "Donna", "Tracey",
    "Joanne", "Karen", "Amanda", "Rachel", "Rebecca", "Laura", "Gemma", "Stacey", "Leanne",
    "Danielle", "Natalie", "Samantha", "Victoria", "Hayley", "Kirsty", "Zoe", "Charlotte",
    "Jessica", "Amy", "Chloe", "Sophie", "Megan", "Jade", "Louise", "Helen", "Julie", "Wendy",
    "Dawn", "Sharon", "Angela", "Debbie", "Jennifer", "Katie", "Lauren", "Holly", "Abbie",
    "Shannon", "Toni", "Marie", "Siobhan", "Aisha", "Fatima", "Agnieszka", "Monika", "Ioana",
    "Chantelle", "Keisha", "Paula", "Jacqueline", "Carol", "Sue", "Lorraine", "Kerry", "Vicky",
)
# Short forms someone might give as their preferred name, keyed by first name.
PREFERRED_FORMS = {
    "Christopher": "Chris", "Anthony": "Tony", "Michael": "Mick", "Robert": "Rob",
    "Richard": "Rich", "Thomas": "Tommy", "Daniel": "Danny", "Stephen": "Steve",
    "Steven": "Steve", "Matthew": "Matt", "Joseph": "Joe", "Andrew": "Andy", "Philip": "Phil",
    "Samantha": "Sam", "Rebecca": "Becky", "Victoria": "Vicky", "Jacqueline": "Jackie",
    "Jennifer": "Jen", "Danielle": "Dani", "Nicola": "Nicky", "Charlotte": "Charlie",
    "Deborah": "Debbie", "Jessica": "Jess", "Tomasz": "Tom", "Mohammed": "Mo",
}
SURNAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson",
    "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood",
    "Jackson", "Clarke", "Patel", "Khan", "Lewis", "James", "Phillips", "Mason", "Mitchell",
    "Rose", "Davis", "Rodriguez", "Cox", "Alexander", "Morgan", "Moore", "Martin", "Price",
    "Turner", "Hughes", "Parker", "Cooper", "Harris", "King", "Baker", "Ward", "Morris",
    "Carter", "Edwards", "Bennett", "Shaw", "Cook", "Bailey", "Holmes", "Murphy", "Kelly",
    "Collins", "Stewart", "Campbell", "Murray", "Reid", "Kennedy", "Fletcher", "Harrison",
    "Gibson", "Ellis", "Webb", "Barker", "Hunt", "Palmer", "Mills", "Knight", "Lloyd",
    "Butler", "Russell", "Barnes", "Fisher", "Stevens", "Jenkins", "Marshall", "Dixon",
    "Graham", "Simpson", "Watson", "Chapman", "Ross", "Foster", "Powell", "Atkinson", "Hudson",
    "Kaur", "Singh", "Begum", "Hussain", "Ali", "Ahmed", "Nowak", "Kowalski", "Wisniewski",
    "Popescu", "Kazlauskas", "Silva", "Okafor", "Mensah", "Campbell-Brown", "O'Brien",
    "O'Connor", "McCarthy", "Doyle", "Byrne", "Quinn", "Brennan", "Lynch", "Gallagher",
    "Pearce", "Hart", "Day", "Field", "Bishop", "Lamb", "Stone", "Marsh", "Newman", "Payne",
    "Rowe", "Slater", "Tucker", "Vaughan", "Warren", "Yates", "Booth", "Crossley", "Hammond",
)
STREET_NAMES = (
    "Station Road", "High Street", "Church Street", "Victoria Road", "Mill Lane", "Park Road",
    "Albert Road", "Queens Road", "New Road", "Green Lane", "Manor Road", "Kings Road",
    "London Road", "Chapel Street", "Grange Road", "Castle Street", "Alexandra Road",
    "Springfield Road", "Orchard Close", "Acacia Avenue", "Beech Grove", "Willow Way",
    "Cedar Close", "Hawthorn Drive", "Meadow View", "Riverside Walk", "Canal Street",
    "Brook Street", "North Street", "South Street", "West Street", "East Street",
    "Windmill Hill", "Cherry Tree Road", "Oak Crescent", "Elm Court", "Hillside",
)
# Local authority code: (towns, postcode districts).
PLACES = {
    "E06000035": (("Chatham", "Gillingham", "Rochester", "Strood", "Rainham"),
                  ("ME1", "ME2", "ME4", "ME5", "ME7", "ME8")),
    "E10000016": (("Maidstone", "Canterbury", "Ashford", "Dartford", "Margate", "Sittingbourne"),
                  ("ME14", "ME15", "CT1", "TN23", "DA1", "CT9", "ME10")),
    "E08000025": (("Birmingham",), ("B6", "B10", "B12", "B21", "B23", "B33")),
    "E08000003": (("Manchester",), ("M4", "M8", "M11", "M13", "M22", "M40")),
    "E06000023": (("Bristol",), ("BS2", "BS3", "BS5", "BS7", "BS13", "BS16")),
    "E08000021": (("Newcastle upon Tyne",), ("NE1", "NE4", "NE5", "NE6", "NE15")),
    "E09000028": (("London",), ("SE1", "SE5", "SE15", "SE16", "SE17", "SE22")),
    "E06000018": (("Nottingham",), ("NG1", "NG3", "NG5", "NG7", "NG8", "NG11")),
}
# Where the service's people live: mostly the home area, some from elsewhere.
LOCAL_AUTHORITY_WEIGHTS = {
    "E06000035": 0.55, "E10000016": 0.35, "E08000025": 0.015, "E08000003": 0.015,
    "E06000023": 0.015, "E08000021": 0.01, "E09000028": 0.025, "E06000018": 0.01,
}
POSTCODE_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

TEAM_AREAS = (
    "Medway North", "Medway South", "Criminal Justice", "Alcohol and Wellbeing",
    "Maidstone", "Swale", "Canterbury", "Thanet", "Ashford", "Dartford", "Gravesham",
    "Tonbridge", "Folkestone", "Dover", "Sevenoaks", "Tunbridge Wells", "Young Adults",
    "Outreach", "Hospital Liaison", "Prison Release",
)
STAFF_FIRST_NAMES = (
    "Alex", "Jo", "Sam", "Chris", "Pat", "Robin", "Jamie", "Morgan", "Kim", "Lee", "Charlie",
    "Frankie", "Ashley", "Jordan", "Casey", "Taylor", "Billie", "Max", "Nic", "Ali",
)
STAFF_SURNAMES = (
    "Ashworth", "Brightwell", "Carrow", "Dunmore", "Ellery", "Fairbairn", "Garside",
    "Hollins", "Ingram", "Jessop", "Kettering", "Lowther", "Merriman", "Northcott",
    "Oakes", "Pennock", "Quarrie", "Redfern", "Stainton", "Thwaite", "Upton", "Varley",
    "Whitlow", "Yeadon",
)

OVERDOSE_PLACES = (
    "Home address", "A friend's flat", "Hostel", "Public toilet", "Park", "Street",
    "Car park", "Stairwell", "Supported accommodation", "Squat",
)
OTHER_SUBSTANCE_NAMES = {
    "benzodiazepine": "Street benzodiazepines",
    "pregabalin": "Pregabalin",
    "gabapentin": "Gabapentin",
    "ketamine": "Ketamine",
    "mephedrone": "Mephedrone",
    "synthetic_cannabinoid": "Synthetic cannabinoids",
}
CONTACT_NOTES = (
    "Key work session; care plan reviewed.",
    "Prescription review with the prescriber.",
    "Discussed harm reduction and naloxone.",
    "Phoned to check in; no concerns raised.",
    "Housing support discussed; referral to be made.",
    "Recovery group attended.",
)
DNA_NOTES = ("No answer on the phone; letter sent.", "Did not attend; pharmacy contacted.")
EVENT_NOTES = {
    "prison_release": "Released; prescription continued via the prison in-reach team.",
    "hospital_discharge": "Discharge summary received from the ward.",
    "non_fatal_overdose": "Follow-up call offered.",
    "bereavement": "Told us at key work; support offered.",
    "child_removed": "Children's services informed the team.",
    "housing_lost": "Evicted; housing options referral made.",
}
NOT_DISCLOSED_REASONS = (
    "Declined to answer some questions.",
    "Too unwell to complete the full interview.",
    "Interview cut short.",
)
# fmt: on

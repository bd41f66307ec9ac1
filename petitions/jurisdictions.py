"""The 56 US states and territories that have an Attorney General, by postal code."""

JURISDICTIONS = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AS": "American Samoa",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "GU": "Guam",
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
    "MP": "Northern Mariana Islands",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "PR": "Puerto Rico",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "VI": "U.S. Virgin Islands",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
}

JURISDICTION_CHOICES = sorted(JURISDICTIONS.items(), key=lambda item: item[1])

# The jurisdictions whose names are read with "the", the one list of them:
# "the Attorney General of the District of Columbia", "residents of the U.S. Virgin Islands".
READ_WITH_ARTICLE = frozenset({"DC", "MP", "VI"})


def jurisdiction_name(code):
    """The name of the jurisdiction with postal `code` ("District of Columbia"), else the code.

    For lists and tables, where names stand alone; in a sentence use `place_name`.
    """
    return JURISDICTIONS.get(code, code)


def place_name(code):
    """The jurisdiction as it reads in a sentence: "the District of Columbia", "Texas"."""
    name = jurisdiction_name(code)
    return f"the {name}" if code in READ_WITH_ARTICLE else name

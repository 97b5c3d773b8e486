"""Small import files written by hand, and a helper to write variations of them."""

import textwrap

import pytest

GOOD_FILES = {
    "service_users": """
        ref,team,keyworker,first_name,last_name,date_of_birth,sex,ethnicity,local_authority,consent_to_ndtms,nhs_number,postcode
        P-1,North,alice,Jamie,Rivers,1980-05-01,M,A,E06000035,Y,9434765919,me4 4qu
        P-2,North,,Kerry,Stone,1991-11-30,F,,E10000016,N,,
    """,
    "episodes": """
        ref,person_ref,referral_date,referral_source,triage_date,start_date,substance_1,substance_2,injecting_status,discharge_date,discharge_reason
        E-1,P-1,2025-01-10,self,2025-01-12,2025-01-20,heroin,crack,current,,
        E-2,P-2,2024-03-01,gp,2024-03-02,2024-03-10,alcohol,,never,2024-09-01,completed_alcohol_free
    """,
    "interventions": """
        ref,episode_ref,kind,start_date,intention,medicine,daily_dose_mg,supervised
        I-1,E-1,pharmacological,2025-01-20,maintenance,methadone,60,Y
        I-2,E-2,psychosocial,2024-03-10,,,,
    """,
    "events": """
        ref,person_ref,kind,occurred_on,substances_suspected,responders,taken_to_hospital,information_source
        V-1,P-1,non_fatal_overdose,2025-06-01,opioids;benzodiazepines,ambulance,Y,ambulance
        V-2,P-1,prison_release,2025-02-01,,,,
    """,
    "contacts": """
        ref,person_ref,contact_date,kind,status
        C-1,P-1,2025-02-03,appointment,attended
    """,
    "naloxone_supplies": """
        ref,person_ref,supplied_on,formulation,supply_type,repeat_reason,batch_number,expiry_date,setting
        N-1,P-1,2025-01-20,nasal,first,,B123,2027-01-20,service
    """,
    "top_assessments": """
        ref,episode_ref,stage,top_date,OPIUSE,CRAUSE,ALCUSE,PSYHSTAT,SHARING
        T-1,E-1,S,2025-01-20,20,4,0,8,N
        T-2,E-1,R,2025-07-20,2,,0,12,N
    """,
}


@pytest.fixture
def write_files(tmp_path):
    """Write {kind: csv text} as <kind>.csv files; returns {kind: path} for records_import."""

    def write(contents: dict[str, str], folder: str = "files") -> dict:
        directory = tmp_path / folder
        directory.mkdir(exist_ok=True)
        paths = {}
        for kind, text in contents.items():
            path = directory / f"{kind}.csv"
            path.write_text(textwrap.dedent(text).strip() + "\n", encoding="utf-8")
            paths[kind] = path
        return paths

    return write


@pytest.fixture
def good_files(write_files, north, alice):
    return write_files(GOOD_FILES)

"""The route matrix's partner column (`tests/security/routes.py` says how the matrix is read)."""

# The partner column: what pat (staff of Northshire Police, access in force, second factor
# passed: tests/partners/world.py) gets from every route the matrix enumerates, the admin's
# generated pages included (tests/partners/test_partner_routes.py). A route without a line
# here is not found (404) for a partner, whether it exists or not, like every person URL.
PARTNER_ELSEWHERE = "404"
PARTNER_ROUTES = """
# URL name                      sample              method  pat
login                           -                   GET     ok
logout                          -                   GET     405
logout                          -                   POST    signin
second_factor                   -                   GET     ok
favicon                         -                   GET     ok
favicon                         -                   POST    405
# Home is their partner page.
home                            -                   GET     ok
partner_home                    -                   GET     ok
partner_request                 partner-request     GET     ok
partner_request                 partner-request     POST    400
partner_review_action           partner-action      GET     ok
partner_review_action           partner-action      POST    400
partner_case_review_action      partner-case-action GET     ok
partner_case_review_action      partner-case-action POST    400
partner_joint_section           partner-joint       GET     ok
partner_joint_section           partner-joint       POST    400
partner_case_review             partner-case-review GET     ok
partner_case_review             partner-case-review POST    400
"""

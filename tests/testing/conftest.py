from tests.fixtures_edgar import *  # noqa: F401,F403 - pytest finds fixtures by name

"""SQL statements per request (BEGIN, COMMIT and savepoints included), in Django's test client.

Usage: `python -m tests.bench.programs.count_statements <petition path>`, with the
site's environment, on a database holding that live petition. Prints one line:
`STATEMENTS {"cached": [status, n], "render": [...], "first_sign": [...], "sign": [...]}`
where `cached` is a page read the page cache answers, `render` one it renders,
`first_sign` the process's first signing (it reads the petition and the target,
then keeps them for a second) and `sign` the next one.
"""

import importlib
import json
import re
import sys
import uuid

SIGN_FORM_ACTION = re.compile(rb'action="(/petitions/[0-9]+/sign/)"')


def main(path):
    # Set up as gunicorn's workers are (django.setup(), the ZIP index built), then use Django.
    importlib.import_module("northstar.wsgi")
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")

    def statements(method, url, **kwargs):
        with CaptureQueriesContext(connection) as queries:
            response = getattr(client, method)(url, **kwargs)
        return response.status_code, len(queries)

    first = client.get(path).content
    sign_path = SIGN_FORM_ACTION.search(first).group(1).decode()

    def sign():
        data = {
            "first_name": "Bench",
            "last_name": "Count",
            "zip_code": "78701",
            "state": "",
            "email": f"bench-count-{uuid.uuid4().hex[:8]}@example.org",
            "comment": "",
            "website": "",
        }
        return statements("post", sign_path, data=data)

    first_sign = sign()
    client.get(path)
    counts = {
        "cached": statements("get", path),
        "render": statements("get", f"{path}?bench={uuid.uuid4().hex}"),
        "first_sign": first_sign,
        "sign": sign(),
    }
    print("STATEMENTS " + json.dumps(counts))


if __name__ == "__main__":
    main(sys.argv[1])

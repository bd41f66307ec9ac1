"""What the admin screens' tests share (tests/donations/test_admin_*.py)."""


def cells(row):
    """The text of each cell of a table row's HTML."""
    texts = []
    for cell in row.split("<td")[1:]:
        inner = cell[cell.index(">") + 1 : cell.index("</td>")]
        while "<" in inner:
            start = inner.index("<")
            inner = inner[:start] + inner[inner.index(">", start) + 1 :]
        texts.append(inner.replace("&#x27;", "'").strip())
    return texts

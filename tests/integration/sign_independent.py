#!/usr/bin/env python3
"""An independent Temu request signer (temu-open-platform.md section 2.2), standard library only.

It shares no code with the C client or the sandbox, so a request it signs and the sandbox
accepts shows that both follow the documented recipe rather than one shared mistake.

  sign_independent.py --selftest
      checks the three worked examples of section 2.2 and exits 0 when all match.
  sign_independent.py APP_KEY SECRET ACCESS_TOKEN TYPE [PARAMS_JSON]
      prints one signed request body (flat top-level params, timestamp now) on stdout.
"""
import hashlib
import json
import sys
import time


def value_string(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return v
    if isinstance(v, int):
        return str(v)
    # Nested values: compact JSON, keys in insertion order, raw UTF-8.
    return json.dumps(v, ensure_ascii=False, separators=(",", ":"))


def sign(params, secret):
    keys = sorted((k for k in params if k != "sign" and params[k] is not None),
                  key=lambda k: k.encode("utf-8"))
    text = secret + "".join(k + value_string(params[k]) for k in keys) + secret
    return hashlib.md5(text.encode("utf-8")).hexdigest().upper()


def selftest():
    send = [{"orderSendInfoList": [{"quantity": 1, "orderSn": "211-21905473070712792",
                                    "parentOrderSn": "PO-211-21905452099192792",
                                    "goodsId": 601099548666279, "skuId": 17592352673534}],
             "carrierId": "699272611", "trackingNumber": "270324232756"}]
    ex1 = {"access_token": "2nifvmpyymvypwmcms5ct4uqqudrwgpmzbcnmkt1jzjkuaf3x56iixym",
           "app_key": "f9d5cc9313893a20d5aa85c654e8f503", "data_type": "JSON",
           "timestamp": 1711009072, "type": "bg.logistics.shipment.confirm", "sendType": 0,
           "sendRequestList": send}
    ex2 = dict(ex1, app_key="f00df00df00df00df00df00df00df00d",
               access_token="z0exampletokenz0exampletokenz0exampletokenz0exampletoken")
    ex3 = {"access_token": "TOKEN", "app_key": "KEY", "data_type": "JSON",
           "timestamp": 1700000000, "type": "bg.order.list.v2.get", "pageNumber": 1,
           "pageSize": 100, "parentOrderSnList": ["PO-211-1", "PO-211-2"], "flag": True}
    cases = [(ex1, "c7e0a1a63542be4de3cb5488f9fba8149e8fc290", "4CCF219942D4180C6DDA3CE36C1B838F"),
             (ex2, "cafef00dcafef00dcafef00dcafef00dcafef00d", "7286CF9573ACE90B570185BD97FEB438"),
             (ex3, "SECRET", "947D616F3485DFCE9D246F8B27F07103")]
    ok = True
    for i, (params, secret, want) in enumerate(cases, 1):
        got = sign(params, secret)
        print("example %d: %s %s" % (i, got, "ok" if got == want else "MISMATCH, want " + want))
        ok = ok and got == want
    return 0 if ok else 1


def main(argv):
    if len(argv) == 2 and argv[1] == "--selftest":
        return selftest()
    if len(argv) not in (5, 6):
        sys.stderr.write(__doc__)
        return 2
    app_key, secret, token, api_type = argv[1:5]
    params = {"type": api_type, "app_key": app_key, "access_token": token,
              "data_type": "JSON", "timestamp": int(time.time())}
    if len(argv) == 6:
        params.update(json.loads(argv[5]))
    params["sign"] = sign(params, secret)
    # The body uses the same compact, insertion-ordered serialization as the sign.
    sys.stdout.write(json.dumps(params, ensure_ascii=False, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

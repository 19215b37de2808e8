#!/usr/bin/python3
"""The Python ingest reference of sync_bench (issue 17): what a short script does for the
engine's result, on SQLite. Debian's python3-httpx (one keep-alive client, TCP_NODELAY) and
the standard library's sqlite3 (which caches prepared statements) and json; the same work as
bench/ingest_ref.c: the engine's 7-day creation windows back from now - 300 s to since, pages
1..last of 100, each request signed (MD5) with a fresh timestamp; per order the key-sorted
compact JSON of {parentOrderMap, orderList}, its BLAKE2b-256, the packed document (raw
deflate, level 6, 4 KiB window, the engine's preset dictionary, base64 without padding,
"z1:"), the labels, the upsert that learns new / changed from RETURNING, the sub-orders'
columns, a status-history row; one transaction per page with a checkpoint UPDATE.

  ingest_ref.py --gateway URL --app-key K --app-secret S --token T --db PATH
                --connection ID --since UNIX --now UNIX --dict FILE

Prints "orders=N requests=M". The database must be migrated (aicos migrate) and empty.
"""
import argparse
import base64
import hashlib
import json
import socket
import sqlite3
import sys
import time
import zlib

import httpcore
import httpx

PAGE = 100
SLICE = 7 * 86400
OVERLAP = 300

ORDER_SQL = (
    "INSERT INTO temu_orders (connection_id, parent_order_sn, status, order_time, "
    "update_time, ship_by, labels, region_id, content_hash, data, first_synced_at, synced_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (connection_id, parent_order_sn) "
    "DO UPDATE SET status = excluded.status, order_time = excluded.order_time, update_time = "
    "excluded.update_time, ship_by = excluded.ship_by, labels = excluded.labels, region_id = "
    "excluded.region_id, content_hash = excluded.content_hash, data = excluded.data, "
    "synced_at = excluded.synced_at, sync_prev = temu_orders.status WHERE "
    "temu_orders.content_hash <> excluded.content_hash RETURNING sync_prev")
ITEM_SQL = (
    "INSERT INTO temu_order_items (connection_id, order_sn, parent_order_sn, status, goods_id, "
    "sku_id, quantity, goods_name, spec) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT "
    "(connection_id, order_sn) DO UPDATE SET parent_order_sn = excluded.parent_order_sn, "
    "status = excluded.status, goods_id = excluded.goods_id, sku_id = excluded.sku_id, "
    "quantity = excluded.quantity, goods_name = excluded.goods_name, spec = excluded.spec")
HIST_SQL = (
    "INSERT INTO temu_order_status_history (connection_id, parent_order_sn, status, seen_at, "
    "update_time) VALUES (?, ?, ?, ?, ?) ON CONFLICT (connection_id, parent_order_sn, "
    "update_time, status) DO NOTHING")
CKPT_SQL = (
    "UPDATE sync_state SET cur_kind = 'backfill', cur_lo = ?, cur_hi = ?, cur_page = ? "
    "WHERE connection_id = ? AND stream = 'orders'")


class NoDelayBackend(httpcore.backends.sync.SyncBackend):
    """httpx writes a request's head and body in two sends: without TCP_NODELAY each POST
    waits for the server's delayed ACK (about 40 ms)."""

    def connect_tcp(self, *args, **kwargs):
        stream = super().connect_tcp(*args, **kwargs)
        stream.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return stream


def value_string(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (dict, list)):
        return json.dumps(v, separators=(",", ":"), ensure_ascii=False)
    return str(v)


def sign(params, secret):
    kept = {k: v for k, v in params.items() if v not in (None, "", [], {})}
    concat = "".join(k + value_string(kept[k]) for k in sorted(kept))
    kept["sign"] = hashlib.md5((secret + concat + secret).encode()).hexdigest().upper()
    return kept


def label_names(labels):
    names = []
    for l in labels or []:
        name, v = l.get("name"), l.get("value", True)
        if isinstance(name, str) and (v is True or isinstance(v, str) or
                                      (type(v) is int and v != 0)):
            names.append(name)
    return json.dumps(names, separators=(",", ":"), ensure_ascii=False)


class Ref:
    def __init__(self, a):
        self.a = a
        self.http = httpx.Client(timeout=30)
        self.http._transport._pool._network_backend = NoDelayBackend()
        self.db = sqlite3.connect(a.db, isolation_level=None)
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=FULL"):
            self.db.execute("PRAGMA " + pragma)
        self.db.execute("INSERT INTO sync_state (connection_id, stream) VALUES (?, 'orders')",
                        (a.connection,))
        with open(a.dict, "rb") as f:
            self.zdict = f.read()
        self.requests = 0
        self.orders = 0

    def call(self, lo, hi, page):
        params = {"type": "bg.order.list.v2.get", "app_key": self.a.app_key,
                  "data_type": "JSON", "access_token": self.a.token, "pageNumber": page,
                  "pageSize": PAGE, "createAfter": lo, "createBefore": hi,
                  "sortby": "createTime", "timestamp": int(time.time())}
        body = json.dumps(sign(params, self.a.app_secret), separators=(",", ":"))
        self.requests += 1
        r = self.http.post(self.a.gateway, content=body.encode(),
                           headers={"Content-Type": "application/json"})
        doc = json.loads(r.content)
        if not doc.get("success"):
            raise SystemExit("ingest_ref.py: bg.order.list.v2.get failed: " + r.text[:200])
        return doc["result"]

    def pack(self, data):
        z = zlib.compressobj(6, zlib.DEFLATED, -12, 6, zlib.Z_DEFAULT_STRATEGY, self.zdict)
        packed = z.compress(data) + z.flush()
        return "z1:" + base64.b64encode(packed).decode().rstrip("=")

    def order(self, item, now):
        m, lst = item.get("parentOrderMap") or {}, item.get("orderList")
        sn = m.get("parentOrderSn")
        if not isinstance(sn, str):
            return
        content = {"parentOrderMap": m}
        if lst is not None:
            content["orderList"] = lst
        data = json.dumps(content, separators=(",", ":"), sort_keys=True,
                          ensure_ascii=False).encode()
        digest = hashlib.blake2b(data, digest_size=32).hexdigest()
        conn, status = self.a.connection, m.get("parentOrderStatus", 0)
        row = self.db.execute(ORDER_SQL, (
            conn, sn, status, m.get("parentOrderTime", 0), m.get("updateTime", 0),
            m.get("expectShipLatestTime", 0), label_names(m.get("parentOrderLabel")),
            m.get("regionId", 0), digest, self.pack(data), now, now)).fetchone()
        if row is None:
            return
        for c in lst or []:
            self.db.execute(ITEM_SQL, (
                conn, c.get("orderSn", ""), sn, c.get("orderStatus", 0), c.get("goodsId", 0),
                c.get("skuId", 0), c.get("quantity", 0), c.get("goodsName") or "",
                c.get("spec") or ""))
        self.db.execute(HIST_SQL, (conn, sn, status, now, m.get("updateTime", 0)))

    def window(self, lo, hi):
        page, last, now = 1, 1, int(time.time())
        while page <= last:
            res = self.call(lo, hi, page)
            items = res.get("pageItems") or []
            last = (res.get("totalItemNum", 0) + PAGE - 1) // PAGE
            self.db.execute("BEGIN IMMEDIATE")
            for item in items:
                self.order(item, now)
            self.db.execute(CKPT_SQL, (lo, hi, page, self.a.connection))
            self.db.execute("COMMIT")
            self.orders += len(items)
            page += 1

    def run(self):
        hi = self.a.now - OVERLAP
        while hi >= self.a.since:
            self.window(max(hi - SLICE + 1, self.a.since), hi)
            hi -= SLICE


def main():
    p = argparse.ArgumentParser(description="The Python ingest reference of sync_bench.")
    for name in ("gateway", "app-key", "app-secret", "token", "db", "connection", "dict"):
        p.add_argument("--" + name, required=True)
    p.add_argument("--since", type=int, required=True)
    p.add_argument("--now", type=int, required=True)
    ref = Ref(p.parse_args())
    ref.run()
    print("orders=%d requests=%d" % (ref.orders, ref.requests))
    return 0


if __name__ == "__main__":
    sys.exit(main())

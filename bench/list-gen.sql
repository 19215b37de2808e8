-- Generates synthetic synced orders for the list benchmark (bench/run-list-bench), directly in
-- SQL so that a million orders take seconds: :N orders over two connections, each with two
-- sub-orders, labels on one order in seven, update times one a second back from 2026-12-01.
-- The shapes are those the sync writes (src/sync/orders.c); the JSON is small on purpose.
-- Portable between SQLite and PostgreSQL; N is substituted by the script (@N@).
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @N@)
INSERT INTO temu_orders (connection_id, parent_order_sn, status, order_time, update_time,
                         ship_by, labels, region_id, content_hash, data, first_synced_at,
                         synced_at)
SELECT CASE WHEN i % 10 = 0 THEN 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'
            ELSE 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' END,
       'PO-211-' || CAST(100000000 + i * 7 AS TEXT),
       CASE WHEN i % 5 = 0 THEN 4 WHEN i % 5 = 1 THEN 2 WHEN i % 5 = 2 THEN 1
            WHEN i % 5 = 3 THEN 5 ELSE 3 END,
       1764547200 - i * 2, 1764547200 - i, 1764547200 - i + 172800,
       CASE WHEN i % 7 = 0 THEN '["past_due"]' WHEN i % 997 = 0 THEN '["rare_label"]'
            ELSE '[]' END,
       211, 'h', '{"parentOrderMap":{},"orderList":[]}', 1764547200, 1764547200
FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @N@)
INSERT INTO temu_order_items (connection_id, order_sn, parent_order_sn, status, goods_id,
                              sku_id, quantity, goods_name, spec)
SELECT CASE WHEN i % 10 = 0 THEN 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'
            ELSE 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' END,
       '211-' || CAST(100000000 + i * 7 + k AS TEXT), 'PO-211-' || CAST(100000000 + i * 7 AS TEXT),
       2, 600000 + (i % 5000), 800000 + i * 2 + k, 1,
       CASE WHEN i % 50000 = 7 THEN 'Lantern Aurora' ELSE 'Cotton shirt model ' ||
       CAST(i % 5000 AS TEXT) END, 'M'
FROM n, (SELECT 1 AS k UNION ALL SELECT 2) kk;

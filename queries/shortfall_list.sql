-- The 短板 list: communities whose stock of a supply is below the norm for their population on
-- the as-of date, worst first.
--   $district  a unit's code, or '' for all
--   $item      a supply kind (resource_norms.item), or '' for all kinds
--   $order     'share': largest shortfall as a share of the norm first (empty stores first);
--              'residents': most residents left uncovered first (for one item: most units short)
--   $limit     how many rows at most
-- need = norm_per_1000 × population / 1000; shortfall = need − quantity (units of the item);
-- shortfall_share = shortfall / need; residents_uncovered = shortfall_share × population;
-- units_to_norm = whole units to add. matching = rows before the limit, so a page can say
-- "showing 50 of 1,234".
-- example: {"district": "410122", "item": "", "order": "share", "limit": 50}
SELECT s.community_code, c.name_zh, s.street_code, st.name_zh AS street_zh,
       s.district_code, d.name_zh AS district_zh, s.population,
       s.item, n.name_zh AS item_zh, n.unit_zh, s.flood_item, s.norm_per_1000,
       s.quantity, s.need, s.ratio, s.shortfall, s.shortfall_share, s.residents_uncovered,
       s.units_to_norm,
       m.as_of,
       count(*) OVER () AS matching
FROM mart_capacity_stock s
JOIN dim_community c USING (community_code)
JOIN dim_street st ON st.street_code = s.street_code
JOIN dim_district d ON d.district_code = s.district_code
JOIN stg_resource_norms n ON n.item = s.item
CROSS JOIN meta_build m
WHERE s.below_norm
  AND ($district = '' OR s.district_code = $district)
  AND ($item = '' OR s.item = $item)
ORDER BY CASE WHEN $order = 'residents' THEN s.residents_uncovered ELSE s.shortfall_share END DESC,
         CASE WHEN $order = 'residents' THEN s.shortfall_share ELSE s.residents_uncovered END DESC,
         s.community_code, s.item
LIMIT $limit;

-- Open hazards per hexagon (H3 cell of the communities' points) on one day: the density layer of
-- the risk map. Aggregated here, so the browser receives cells and counts, never points.
--   $district    a unit's code to count only its hazards, or '' for the whole city
--   $resolution  6 (about 36 km² a cell, for the city) or 7 (about 5 km², for one unit)
--   $day         hazards found by this day and not rectified by it are open
-- example: {"district": "", "resolution": 6, "day": "2026-11-29"}
-- example: {"district": "410105", "resolution": 7, "day": "2026-11-29"}
SELECT x.hex,
       count(*)::INTEGER AS open_hazards,
       count(*) FILTER (WHERE h.severity = 'major')::INTEGER AS open_major,
       count(DISTINCT h.community_code)::INTEGER AS communities
FROM mart_hazard h
JOIN dim_community_hex x ON x.community_code = h.community_code AND x.resolution = $resolution
WHERE h.found_date <= $day
  AND (h.rectified_date IS NULL OR h.rectified_date > $day)
  AND ($district = '' OR h.district_code = $district)
GROUP BY x.hex
ORDER BY open_hazards DESC, x.hex;

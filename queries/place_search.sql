-- Streets, communities and grids whose name holds the text, or whose code starts with it, for
-- the drill-down's search box (inspectors know names, not codes; names repeat across units, so
-- each row carries its path).
--   $text   what was typed (at least one character; the page trims it)
--   $limit  how many rows at most
-- Each row has what a link and its label need: the unit's code, and the names on the way down
-- (the street above a community or grid, the community above a grid).
-- Exact names first, then streets before communities before grids, then by code.
-- example: {"text": "社区", "limit": 20}
-- example: {"text": "410105001", "limit": 20}
WITH places AS (
    SELECT 'street' AS level, 1 AS level_order, street_code AS place_code, name_zh,
           name_zh AS name_en, district_code, NULL AS street_code, NULL AS community_code
    FROM dim_street
    WHERE contains(name_zh, $text) OR starts_with(street_code, $text)
    UNION ALL
    SELECT 'community', 2, community_code, name_zh, name_zh, district_code, street_code, NULL
    FROM dim_community
    WHERE contains(name_zh, $text) OR starts_with(community_code, $text)
    UNION ALL
    -- grids have no names of their own: found by code only
    SELECT 'grid', 3, grid_code, name_zh, name_en, district_code, street_code, community_code
    FROM dim_grid
    WHERE starts_with(grid_code, $text) AND length($text) >= 12
)
SELECT p.level, p.place_code, p.name_zh, p.name_en, p.district_code,
       d.name_zh AS district_zh, d.name_en AS district_en, s.name_zh AS street_zh,
       c.name_zh AS community_zh,
       count(*) OVER () AS matches
FROM places p
JOIN dim_district d USING (district_code)
LEFT JOIN dim_street s ON s.street_code = p.street_code
LEFT JOIN dim_community c ON c.community_code = p.community_code
ORDER BY p.name_zh = $text DESC, p.level_order, p.place_code
LIMIT $limit;

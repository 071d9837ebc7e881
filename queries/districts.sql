-- The 12 county-level units with their boundaries (GeoJSON geometry, GCJ-02).
-- example: {}
SELECT district_code, name_zh, name_en, kind, terrain, population, area_km2, boundary_geojson
FROM dim_district
ORDER BY district_code;

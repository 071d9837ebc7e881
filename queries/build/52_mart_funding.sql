-- Prevention against response: each unit's spending per year (stg_funding, 万元), the
-- prevention-to-response ratio, and both per resident. The article's complaint is
-- "轻预防准备，重救援恢复": a ratio below 1 means more went to rescue and recovery than to
-- prevention and preparation. Per-resident figures use the unit's population on the as-of date
-- for every year (the raw data has no population history).

CREATE TABLE mart_funding_balance AS
SELECT f.district_code, d.name_zh, d.name_en, f.year, d.population,
       f.prevention_wan, f.response_wan,
       f.prevention_wan + f.response_wan AS total_wan,
       f.prevention_wan / nullif(f.response_wan, 0) AS prevention_to_response,
       f.prevention_wan / nullif(f.prevention_wan + f.response_wan, 0) AS prevention_share,
       10000.0 * f.prevention_wan / nullif(d.population, 0) AS prevention_yuan_per_resident,
       10000.0 * f.response_wan / nullif(d.population, 0) AS response_yuan_per_resident
FROM stg_funding f
JOIN dim_district d USING (district_code)
ORDER BY f.district_code, f.year;

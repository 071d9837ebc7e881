-- How unevenly each capacity indicator is spread, over communities (funding: over units), on the
-- as-of date: population-weighted Gini, Theil T split into between and within districts, the
-- between share, Williamson's CV, and a sentence a leader can read.
--   $indicator  one indicator key (mart_imbalance.indicator, e.g. 'shelter_access'), or '' for all
-- Every row carries what it counts (units, population, value unit) and its period.
-- example: {"indicator": ""}
SELECT indicator, name_zh, name_en, level, value_unit, value_unit_zh, period_start, period_end, as_of,
       units, population, mean_value, min_value, max_value, units_at_zero,
       gini, theil, theil_between, theil_within, between_share, cv,
       CASE WHEN theil IS NULL THEN NULL
            WHEN theil = 0 THEN topic_zh || '在各地完全均衡。'
            WHEN level = 'district' THEN topic_zh || '只有区县一级数据：不均衡全部是区县之间的差异。'
            ELSE printf('%s的不均衡中，%d%%在区县之间，其余%d%%在区县内部。', topic_zh,
                        round(100 * between_share)::INTEGER,
                        100 - round(100 * between_share)::INTEGER)
       END AS sentence_zh,
       CASE WHEN theil IS NULL THEN NULL
            WHEN theil = 0 THEN 'There is no imbalance in ' || topic_en || '.'
            WHEN level = 'district' THEN 'Only district figures exist for ' || topic_en
                 || ': all of the imbalance is between districts.'
            ELSE printf('%d%% of the imbalance in %s lies between districts, the rest (%d%%) inside them.',
                        round(100 * between_share)::INTEGER, topic_en,
                        100 - round(100 * between_share)::INTEGER)
       END AS sentence_en
FROM mart_imbalance
WHERE $indicator = '' OR indicator = $indicator
ORDER BY sort_key;

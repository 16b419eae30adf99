// grades-by-cohort
// Every cohort treated with a product that has findings of an adverse event (CRS, ICANS, ...), once
// per report about it, with that report's findings of the event (none: the report does not mention
// it), the cohort's size and the cohorts it is part of: what `kg plot safety` counts patients from,
// once per cohort. An absent finding with from_grade N says "none of grade N or above".
// :param event => 'cellkg:outcome-crs'
MATCH (o:Outcome {id: $event})
WITH o
MATCH (o)<-[:OF_OUTCOME]-(:Finding)<-[:HAS_FINDING]-(:Evidence)-[:ABOUT_PRODUCT]->(p:Product)
WITH DISTINCT o, p
MATCH (p)<-[:ABOUT_PRODUCT]-(e:Evidence)-[:REPORTS_COHORT]->(c:Cohort)
WITH o, p, e, c
OPTIONAL MATCH (c)-[:PART_OF*1..]->(big:Cohort)
WITH o, p, e, c, collect(DISTINCT big.id) AS within
MATCH (e)-[:REPORTED_IN]->(s:Source)
WITH o, p, e, c, within, s
OPTIONAL MATCH (e)-[:HAS_FINDING]->(f:Finding)-[:OF_OUTCOME]->(o)
RETURN p.name AS product, coalesce(o.abbreviation, o.name) AS event, c.id AS cohort,
       c.patients AS cohort_patients, e.patients AS reported, f.present AS present, f.grade AS grade,
       f.max_grade AS max_grade, f.from_grade AS from_grade, f.affected AS affected, f.treated AS treated,
       coalesce(f.grading, o.grading) AS grading, e.level AS level, s.id AS source, within,
       p.id AS product_id, e.id AS evidence, f.id AS finding
ORDER BY product, cohort, evidence, finding

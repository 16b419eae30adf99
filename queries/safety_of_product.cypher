// safety-of-product
// Safety findings of a product across diseases: each adverse event present (grade, affected of
// treated) or explicitly absent ("none of grade N or above" as from_grade).
// :param product => 'cellkg:equecabtagene-autoleucel'
MATCH (p:Product {id: $product})
WITH p
MATCH (p)<-[:ABOUT_PRODUCT]-(e:Evidence)
WITH p, e
MATCH (e)-[:HAS_FINDING]->(f:Finding)
WITH p, e, f
MATCH (f)-[:OF_OUTCOME]->(o:Outcome)
WHERE o.category = 'safety'
WITH p, e, f, o
MATCH (e)-[:IN_DISEASE]->(d:Disease)
WITH p, e, f, o, d
MATCH (e)-[:REPORTS_COHORT]->(c:Cohort)
WITH p, e, f, o, d, c
MATCH (e)-[:REPORTED_IN]->(s:Source)
RETURN p.name AS product, d.name AS disease, coalesce(o.abbreviation, o.name) AS event, f.present AS present,
       f.grade AS grade, f.max_grade AS max_grade, f.from_grade AS from_grade,
       coalesce(f.grading, o.grading) AS grading, f.affected AS affected, coalesce(f.treated, e.patients) AS treated,
       f.timepoint_months AS timepoint_months, e.level AS level, c.id AS cohort, s.id AS source, e.id AS evidence
ORDER BY disease, event, source, evidence

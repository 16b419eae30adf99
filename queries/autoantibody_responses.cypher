// autoantibody-responses
// Autoantibodies that declined or cleared after cell therapy in a disease (and its subtypes):
// product, measure, values and when.
// :param disease => 'MONDO:0007179'
MATCH (root:Disease {id: $disease})
WITH root
MATCH (d:Disease)-[:IS_A*0..]->(root)
WITH DISTINCT d
MATCH (e:Evidence)-[:IN_DISEASE]->(d)
WITH d, e
MATCH (e)-[:HAS_FINDING]->(f:Finding)
WITH d, e, f
MATCH (f)-[:OF_OUTCOME]->(o:Outcome)
WHERE o.category = 'serology'
WITH d, e, f, o
MATCH (e)-[:ABOUT_PRODUCT]->(p:Product)
WITH d, e, f, o, p
MATCH (e)-[:REPORTED_IN]->(s:Source)
WITH d, e, f, o, p, s
OPTIONAL MATCH (e)-[:HAS_AUTOANTIBODY]->(a:Autoantibody)
RETURN d.name AS disease, p.name AS product, collect(DISTINCT a.name) AS autoantibodies, o.name AS response,
       f.present AS present, f.measure AS measure, f.baseline AS baseline, f.value AS value,
       f.timepoint_months AS timepoint_months, f.affected AS affected, coalesce(f.treated, e.patients) AS treated,
       s.id AS source, e.id AS evidence
ORDER BY disease, product, timepoint_months, source, evidence

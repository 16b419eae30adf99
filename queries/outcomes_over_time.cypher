// outcomes-over-time
// What happened, and when, after a product: every finding by disease and months after infusion,
// with its measure and values, affected of treated, and its cohort and source.
// :param product => 'cellkg:equecabtagene-autoleucel'
MATCH (p:Product {id: $product})
WITH p
MATCH (p)<-[:ABOUT_PRODUCT]-(e:Evidence)
WITH e
MATCH (e)-[:HAS_FINDING]->(f:Finding)
WITH e, f
MATCH (f)-[:OF_OUTCOME]->(o:Outcome)
WITH e, f, o
MATCH (e)-[:IN_DISEASE]->(d:Disease)
WITH e, f, o, d
MATCH (e)-[:REPORTS_COHORT]->(c:Cohort)
WITH e, f, o, d, c
MATCH (e)-[:REPORTED_IN]->(s:Source)
RETURN d.name AS disease, f.timepoint_months AS timepoint_months, o.name AS outcome, o.category AS category,
       f.name AS finding, f.present AS present, f.measure AS measure, f.baseline AS baseline, f.value AS value,
       f.affected AS affected, coalesce(f.treated, e.patients) AS treated, c.id AS cohort, s.id AS source,
       e.id AS evidence
ORDER BY disease, timepoint_months, outcome, source, evidence

export { OpenSearchDomain, OPENSEARCH_DOMAIN_DEFAULTS, DOMAIN_LOG_TYPES, type OpenSearchDomainProps } from './domain';
export { OpenSearchCollection, COLLECTION_PERMISSIONS, type OpenSearchCollectionProps } from './collection';
export { OpenSearchBootstrap, bootstrapStatements, type OpenSearchBootstrapProps } from './bootstrap';
export { OpenSearchAlertTopic, OPENSEARCH_ALERT_DEFAULTS, type OpenSearchAlertTopicProps } from './alert';

// The fake Stripe and its typed builders, for tests and for the demo script.
export { FakeStripe, type Fault, type FakeStoredObject, type RecordedRequest, type StripeObject } from './server';
export * as build from './builders';
export { API_VERSION, setBuilderClock, fakeId } from './builders';
